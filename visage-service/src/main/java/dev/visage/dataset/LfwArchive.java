package dev.visage.dataset;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.apache.commons.compress.archivers.tar.TarConstants;
import org.apache.commons.compress.compressors.gzip.GzipCompressorInputStream;

/** Unpacks a downloaded LFW archive (tar.gz) safely: no entry may lead outside the folder, links are skipped. */
final class LfwArchive {

    private LfwArchive() {}

    /**
     * Extracts the directories and regular files of the archive into {@code extractDir}.
     *
     * @return the number of files extracted
     */
    static int extract(Path archive, Path extractDir, URI url) throws IOException {
        int files = 0;
        String entryName = "the archive header";
        try (InputStream in = new BufferedInputStream(Files.newInputStream(archive));
                InputStream gzip = new GzipCompressorInputStream(in);
                TarArchiveInputStream tar = new TarArchiveInputStream(gzip)) {
            TarArchiveEntry entry;
            while ((entry = tar.getNextEntry()) != null) {
                entryName = entry.getName();
                Path destination = extractDir.resolve(entryName).normalize();
                if (!destination.startsWith(extractDir)) {
                    throw new LfwDownloadException("Archive from " + url + " has an entry '" + entryName
                            + "' that points outside the extraction folder; refusing to extract it");
                }
                if (entry.isDirectory()) {
                    Files.createDirectories(destination);
                } else if (isRegularFile(entry)) {
                    Files.createDirectories(destination.getParent());
                    Files.copy(tar, destination);
                    files++;
                }
                // Links, devices and the like are no part of LFW; skipping them also keeps links from leading out.
            }
        } catch (EOFException ex) {
            throw new LfwDownloadException(
                    "Archive from " + url + " is truncated; extraction stopped at " + entryName, ex);
        }
        return files;
    }

    /** {@link TarArchiveEntry#isFile()} would also accept links and devices. */
    private static boolean isRegularFile(TarArchiveEntry entry) {
        byte type = entry.getLinkFlag();
        return type == TarConstants.LF_NORMAL || type == TarConstants.LF_OLDNORM;
    }

    /** The variant's own folder, or the only top-level folder of an archive that a mirror packed differently. */
    static Path extractedRoot(Path extractDir, LfwVariant variant) throws IOException {
        Path expected = extractDir.resolve(variant.folderName());
        if (Files.isDirectory(expected)) {
            return expected;
        }
        List<Path> topLevel;
        try (Stream<Path> entries = Files.list(extractDir)) {
            topLevel = entries.toList();
        }
        if (topLevel.size() == 1 && Files.isDirectory(topLevel.get(0))) {
            return topLevel.get(0);
        }
        throw new LfwDownloadException("Archive holds neither a folder " + variant.folderName()
                + " nor a single top-level folder, but " + topLevel.size() + " top-level entries");
    }
}
