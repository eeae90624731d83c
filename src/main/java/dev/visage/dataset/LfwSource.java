package dev.visage.dataset;

import java.nio.file.Path;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/** Finds the LFW folder, downloading and extracting the configured variant first when it is missing. */
@Component
public class LfwSource {

    private final LfwProperties properties;
    private final LfwDownloader downloader;

    @Autowired
    LfwSource(LfwProperties properties) {
        this(properties, new LfwDownloader());
    }

    LfwSource(LfwProperties properties, LfwDownloader downloader) {
        this.properties = properties;
        this.downloader = downloader;
    }

    /** Whether images are on disk already, or can be downloaded. */
    public boolean isAvailable() {
        return properties.download() || LfwCatalog.holdsPeople(properties.dir());
    }

    /** The folder of people folders, after downloading it if needed and allowed. */
    public Path folder() {
        return folder(properties.variant());
    }

    /** As {@link #folder()}, for a given variant; other variants than the configured one live beside it. */
    public Path folder(LfwVariant variant) {
        Path dir = variant == properties.variant()
                ? properties.dir()
                : properties.dir().resolveSibling(variant.folderName());
        if (LfwCatalog.holdsPeople(dir)) {
            return dir;
        }
        if (!properties.download()) {
            throw new IllegalArgumentException("LFW folder " + dir.toAbsolutePath() + " is missing or empty and "
                    + "downloading is off (visage.lfw.download=false); set visage.lfw.dir / VISAGE_LFW_DIR");
        }
        return downloader.ensureExtracted(
                dir, variant, variant == properties.variant() ? properties.downloadUrl() : null, null);
    }
}
