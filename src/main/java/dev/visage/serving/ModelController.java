package dev.visage.serving;

import dev.visage.face.Preprocessing;
import dev.visage.network.NetworkConfig;
import dev.visage.store.ModelManifest;
import dev.visage.store.ModelStore;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.time.Instant;
import java.util.List;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** {@code GET /model}: what the model in service is and how good it is. */
@RestController
class ModelController {

    private final CurrentModel currentModel;
    private final ModelStore store;

    ModelController(CurrentModel currentModel, ModelStore store) {
        this.currentModel = currentModel;
        this.store = store;
    }

    @Operation(summary = "The model in service: people, architecture, preprocessing and test metrics")
    @ApiResponse(responseCode = "200", description = "The current model")
    @ApiResponse(responseCode = "503", description = "No model loaded yet")
    @GetMapping(path = "/model", produces = MediaType.APPLICATION_JSON_VALUE)
    ModelView model() {
        ModelManifest manifest = currentModel.manifest().orElseThrow(ModelNotReadyException::new);
        int size = manifest.preprocessing().crop().imageSize();
        return new ModelView(
                manifest.version(),
                manifest.people(),
                manifest.network(),
                List.of(3, size, size),
                manifest.preprocessing(),
                manifest.trainedAt(),
                store.metrics(manifest.version()));
    }

    /** The JSON of {@code GET /model}. */
    record ModelView(
            String version,
            List<String> people,
            NetworkConfig architecture,
            List<Integer> inputShape,
            Preprocessing preprocessing,
            Instant trainedAt,
            JsonNode metrics) {}
}
