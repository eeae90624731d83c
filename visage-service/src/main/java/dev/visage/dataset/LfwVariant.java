package dev.visage.dataset;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.stream.Collectors;

/**
 * The three published alignments of Labeled Faces in the Wild, with where to get each and how to verify it.
 *
 * <p>The checksums are the MD5 sums published on the LFW home page; they also verify a mirror of the same archive.
 */
public enum LfwVariant {

    /**
     * Unaligned images, as cropped from the news photos. The figshare mirror
     * {@code https://ndownloader.figshare.com/files/5976018} serves the same archive, published there as
     * SHA-256 {@code 055f7d9c632d7370e6fb4afc7468d40f970c34a80d4c6f50ffec63f5a8d536c0}.
     */
    ORIGINAL("lfw.tgz", "lfw", "a17d05bd522c52d84eca14327a23d494"),

    /** Aligned with Huang et al.'s unsupervised funneling. */
    FUNNELED("lfw-funneled.tgz", "lfw_funneled", "1b42dfed7d15c9b2dd63d5e5840c86ad"),

    /** Aligned with deep funneling; the best-aligned faces, hence the usual choice for training. */
    DEEPFUNNELED("lfw-deepfunneled.tgz", "lfw-deepfunneled", "68331da3eb755a505a502b5aacb3c201");

    private static final String BASE_URL = "http://vis-www.cs.umass.edu/lfw/";

    private final String folderName;

    private final URI defaultUrl;

    private final Checksum checksum;

    LfwVariant(String archiveFileName, String folderName, String md5) {
        this.folderName = folderName;
        this.defaultUrl = URI.create(BASE_URL + archiveFileName);
        this.checksum = new Checksum("MD5", md5);
    }

    /** The top-level folder the archive extracts to, holding one folder per person. */
    public String folderName() {
        return folderName;
    }

    /** The name as written in configuration and JSON, for example {@code deepfunneled}. */
    @JsonValue
    public String configName() {
        return name().toLowerCase(Locale.ROOT);
    }

    public URI defaultUrl() {
        return defaultUrl;
    }

    /** The checksum published for the archive at {@link #defaultUrl()}. */
    public Checksum checksum() {
        return checksum;
    }

    /**
     * Reads a variant name as written in configuration: case does not matter, and dashes and underscores are
     * ignored, so {@code deepfunneled}, {@code deep-funneled} and {@code DEEP_FUNNELED} all name {@link #DEEPFUNNELED}.
     */
    @JsonCreator
    public static LfwVariant parse(String name) {
        if (name != null) {
            String key = name.strip().replace("-", "").replace("_", "").toUpperCase(Locale.ROOT);
            for (LfwVariant variant : values()) {
                if (variant.name().equals(key)) {
                    return variant;
                }
            }
        }
        String validNames = Arrays.stream(values())
                .map(variant -> variant.name().toLowerCase(Locale.ROOT))
                .collect(Collectors.joining(", "));
        throw new IllegalArgumentException("Unknown LFW variant '" + name + "'; valid values are " + validNames);
    }
}
