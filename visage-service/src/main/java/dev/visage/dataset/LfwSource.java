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
                    + "downloading is off (visage.lfw.download=false). " + whatToDo(dir));
        }
        try {
            return downloader.ensureExtracted(
                    dir, variant, variant == properties.variant() ? properties.downloadUrl() : null, null);
        } catch (LfwDownloadException e) {
            throw new LfwDownloadException(e.getMessage() + ". " + whatToDo(dir), e);
        }
    }

    private static String whatToDo(Path dir) {
        return "Put LFW's people folders (one folder of JPEGs per person) into " + dir.toAbsolutePath()
                + ", or point visage.lfw.dir (VISAGE_LFW_DIR) at such a folder, or set visage.lfw.download-url "
                + "(VISAGE_LFW_DOWNLOADURL) to a mirror of the archive";
    }
}
