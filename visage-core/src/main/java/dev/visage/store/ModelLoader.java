package dev.visage.store;

import ai.djl.MalformedModelException;
import ai.djl.Model;
import dev.visage.network.FaceNetwork;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Pattern;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads a version folder and refuses anything that must not serve: a missing or incompatible file, a file whose
 * SHA-256 differs from {@code model.json}'s, weights that do not load, or a failed {@link SelfTest}.
 */
final class ModelLoader {

    /** What a version name may look like; anything else (a path, say) is no version of this store. */
    private static final Pattern VERSION_NAME = Pattern.compile("[0-9A-Za-z][0-9A-Za-z._-]{0,99}");

    private final Path root;
    private final JsonMapper json;

    ModelLoader(Path root, JsonMapper json) {
        this.root = root;
        this.json = json;
    }

    /** The folder of an existing version. */
    Path folder(String version) {
        Path folder = VERSION_NAME.matcher(version).matches() ? root.resolve(version) : null;
        if (folder == null || !Files.isDirectory(folder)) {
            throw new ModelNotFoundException(version, "No model " + version + " in " + root);
        }
        return folder;
    }

    StoredModel load(String version) {
        ModelManifest manifest = manifest(version);
        Path folder = folder(version);
        String mismatch;
        try {
            mismatch = Checksums.mismatch(folder, manifest.sha256());
        } catch (IOException e) {
            throw new ModelRefusedException(version, "its files cannot be read: " + describe(e), e);
        }
        if (mismatch != null) {
            throw new ModelRefusedException(version, mismatch, null);
        }
        Model model = Model.newInstance(ModelStore.MODEL_NAME);
        try {
            model.setBlock(FaceNetwork.build(manifest.network(), manifest.outputs()));
            model.load(folder, ModelStore.MODEL_NAME);
            String failure = selfTest(model, manifest, folder);
            if (failure != null) {
                throw new ModelRefusedException(version, failure, null);
            }
            return new StoredModel(model, manifest, folder);
        } catch (ModelRefusedException e) {
            model.close();
            throw e;
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw new ModelRefusedException(
                    version, "model " + version + " in " + folder + " cannot be loaded: " + describe(e), e);
        }
    }

    private String selfTest(Model model, ModelManifest manifest, Path folder) throws IOException {
        List<ProbeFiles.Entry> probes = List.of();
        List<float[]> faces = new ArrayList<>();
        if (manifest.sha256().containsKey(ProbeFiles.INDEX)) {
            ProbeFiles.Index index = ProbeFiles.readIndex(folder, json);
            probes = index.probes();
            for (ProbeFiles.Entry probe : probes) {
                faces.add(ProbeFiles.readImage(folder.resolve(probe.file()), index.imageSize()));
            }
        }
        return SelfTest.failure(model, manifest, faces, probes);
    }

    /** Reads and checks a version's manifest. */
    ModelManifest manifest(String version) {
        Path folder = folder(version);
        for (String required :
                List.of(ModelStore.MANIFEST, ModelStore.PARAMETERS, ModelStore.METRICS, ModelStore.SPLIT)) {
            if (!Files.isRegularFile(folder.resolve(required))) {
                throw new ModelRefusedException(
                        version, "model folder " + folder + " is incomplete: " + required + " is missing", null);
            }
        }
        ModelManifest manifest;
        try {
            JsonNode file = json.readTree(folder.resolve(ModelStore.MANIFEST).toFile());
            checkFormat(version, file);
            manifest = json.treeToValue(file, ModelManifest.class);
        } catch (JacksonException | IllegalArgumentException e) {
            throw new ModelRefusedException(
                    version,
                    "model folder " + folder + " has an unreadable " + ModelStore.MANIFEST + ": " + e.getMessage(),
                    e);
        }
        if (!version.equals(manifest.version())
                || manifest.people().size() < 2
                || manifest.network() == null
                || manifest.preprocessing() == null) {
            throw new ModelRefusedException(
                    version, "model folder " + folder + " has an inconsistent " + ModelStore.MANIFEST, null);
        }
        return manifest;
    }

    /** Refuses a manifest of a format this Visage does not read (see {@link ModelManifest#FORMAT}). */
    private static void checkFormat(String version, JsonNode manifest) {
        int format = manifest.path("format").asInt();
        if (format == ModelManifest.FORMAT || format == 1 && manifest.has("backgroundClasses")) {
            return;
        }
        throw new ModelRefusedException(
                version,
                format < ModelManifest.FORMAT
                        ? "model format " + format
                                + " without backgroundClasses (stored before them) is no longer supported; "
                                + "retrain with POST /train or "
                                + "`java -jar visage.jar train`"
                        : "model " + version + " has format " + format + "; this Visage reads format "
                                + ModelManifest.FORMAT,
                null);
    }

    static String describe(Throwable e) {
        String message = e.getMessage();
        return message == null || message.isBlank()
                ? e.getClass().getSimpleName()
                : message + " (" + e.getClass().getSimpleName() + ")";
    }
}
