package dev.visage.store;

import ai.djl.Model;
import dev.visage.system.Folders;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import tools.jackson.databind.json.JsonMapper;

/**
 * Writes a new version: everything into a hidden temporary folder, {@code model.json} last, then one rename into
 * place, so a crash never leaves a half-written version (only a {@code .tmp-} folder, which the store removes
 * later). The probes' expected answers are computed here, from the stored PNGs and the model being stored.
 */
final class VersionWriter {

    private static final DateTimeFormatter VERSION_FORMAT =
            DateTimeFormatter.ofPattern("yyyyMMdd-HHmmss-SSS").withZone(ZoneOffset.UTC);

    private final Path root;
    private final JsonMapper json;

    VersionWriter(Path root, JsonMapper json) {
        this.root = root;
        this.json = json;
    }

    ModelManifest write(Model model, ModelManifest manifest, Object metrics, Object split, List<Probe> probes)
            throws IOException {
        Files.createDirectories(root);
        String version = newVersion(manifest);
        Path temporary = root.resolve(ModelStore.TEMPORARY_PREFIX + version + "-" + UUID.randomUUID());
        try {
            Files.createDirectory(temporary);
            model.save(temporary, ModelStore.MODEL_NAME);
            json.writeValue(temporary.resolve(ModelStore.METRICS).toFile(), metrics);
            json.writeValue(temporary.resolve(ModelStore.SPLIT).toFile(), split);
            List<String> checked = new ArrayList<>(List.of(ModelStore.PARAMETERS));
            checked.addAll(writeProbes(temporary, model, manifest, probes));
            ModelManifest versioned = manifest.withVersion(version).withChecksums(Checksums.of(temporary, checked));
            // The manifest goes last: a folder with a manifest has everything else.
            json.writeValue(temporary.resolve(ModelStore.MANIFEST).toFile(), versioned);
            Folders.moveAtomically(temporary, root.resolve(version));
            return versioned;
        } finally {
            Folders.deleteRecursively(temporary);
        }
    }

    /** Writes the probes and their index; returns the files written. Refuses a model with non-finite outputs. */
    private List<String> writeProbes(Path folder, Model model, ModelManifest manifest, List<Probe> probes)
            throws IOException {
        int side = manifest.preprocessing().crop().imageSize();
        List<String> files = ProbeFiles.writeImages(folder, probes, side);
        List<float[]> faces = new ArrayList<>();
        for (String file : files) {
            faces.add(ProbeFiles.readImage(folder.resolve(file), side));
        }
        float[][] rows = SelfTest.probabilities(
                model, manifest.preprocessing(), manifest.people().size(), faces);
        for (float[] row : rows) {
            if (!SelfTest.allFinite(row)) {
                throw new ModelStoreException("The model gives non-finite outputs; it was not stored");
            }
        }
        if (probes.isEmpty()) {
            return List.of();
        }
        List<ProbeFiles.Entry> entries = new ArrayList<>();
        for (int i = 0; i < probes.size(); i++) {
            int expected = SelfTest.argMax(rows[i]);
            entries.add(new ProbeFiles.Entry(
                    files.get(i), probes.get(i).source(), probes.get(i).label(), expected, rows[i][expected]));
        }
        ProbeFiles.writeIndex(folder, new ProbeFiles.Index(side, entries), json);
        List<String> written = new ArrayList<>(files);
        written.add(ProbeFiles.INDEX);
        return written;
    }

    private String newVersion(ModelManifest manifest) {
        String base = VERSION_FORMAT.format(manifest.trainedAt());
        String version = base;
        for (int n = 2; Files.exists(root.resolve(version)); n++) {
            version = base + "-" + n;
        }
        return version;
    }
}
