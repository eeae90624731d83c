package dev.visage.store;

import dev.visage.face.Preprocessing;
import dev.visage.network.NetworkConfig;
import java.time.Instant;
import java.util.List;

/**
 * {@code model.json}: what a stored model is and how to feed it. Serving builds the network and the input
 * pipeline from this file alone.
 *
 * @param format version of this file's layout, checked on load
 * @param version the model version (its folder name)
 * @param people names in class order: output i of the network is people[i]
 * @param network network shape, to rebuild the block before loading the weights
 * @param preprocessing crop geometry and normalisation the model was trained with
 * @param trainedAt when training finished
 */
public record ModelManifest(
        int format,
        String version,
        List<String> people,
        NetworkConfig network,
        Preprocessing preprocessing,
        Instant trainedAt) {

    public static final int FORMAT = 1;

    public ModelManifest {
        people = List.copyOf(people);
    }

    /** The manifest of a model about to be stored: the store assigns the version. */
    public static ModelManifest unversioned(
            List<String> people, NetworkConfig network, Preprocessing preprocessing, Instant trainedAt) {
        return new ModelManifest(FORMAT, null, people, network, preprocessing, trainedAt);
    }

    ModelManifest withVersion(String newVersion) {
        return new ModelManifest(format, newVersion, people, network, preprocessing, trainedAt);
    }
}
