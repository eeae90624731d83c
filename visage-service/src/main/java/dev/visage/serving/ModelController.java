package dev.visage.serving;

import dev.visage.face.Preprocessing;
import dev.visage.jobs.TrainingJobView;
import dev.visage.jobs.TrainingJobs;
import dev.visage.network.NetworkConfig;
import dev.visage.store.ModelManifest;
import dev.visage.store.ModelStore;
import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import java.time.Instant;
import java.util.List;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.MediaType;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import tools.jackson.databind.JsonNode;

/** {@code GET /model}: what the model in service is and how good it is. */
@RestController
class ModelController {

    private final CurrentModel currentModel;
    private final ModelStore store;
    private final TrainingJobs jobs;
    private final Float minConfidence;

    /**
     * @param minConfidence {@code visage.identify.min-confidence}, the operator's override of every model's
     *     calibrated threshold; null when not set
     */
    ModelController(
            CurrentModel currentModel,
            ModelStore store,
            TrainingJobs jobs,
            @Value("${visage.identify.min-confidence:#{null}}") Float minConfidence) {
        this.currentModel = currentModel;
        this.store = store;
        this.jobs = jobs;
        this.minConfidence = minConfidence;
    }

    @Operation(summary = "The model in service: people, architecture, preprocessing and test metrics")
    @ApiResponse(responseCode = "200", description = "The current model")
    @ApiResponse(
            responseCode = "503",
            description = "No model loaded yet: the first may be training (see Retry-After), or the detail says why its"
                    + " training failed")
    @GetMapping(path = "/model", produces = MediaType.APPLICATION_JSON_VALUE)
    ModelView model() {
        ModelManifest manifest = currentModel.manifest().orElseThrow(this::notReady);
        int size = manifest.preprocessing().crop().imageSize();
        return new ModelView(
                manifest.version(),
                manifest.people(),
                manifest.network(),
                List.of(3, size, size),
                manifest.preprocessing(),
                manifest.trainedAt(),
                ServingModel.minConfidence(manifest, minConfidence),
                store.metrics(manifest.version(), JsonNode.class));
    }

    /** No model serves: why, when the newest training job failed (say, the start-up training found no LFW). */
    private ModelNotReadyException notReady() {
        return jobs.recent().stream()
                .findFirst()
                .filter(job -> job.state() == TrainingJobView.State.FAILED)
                .map(job -> new ModelNotReadyException(job.id(), job.error()))
                .orElseGet(ModelNotReadyException::new);
    }

    /**
     * The JSON of {@code GET /model}.
     *
     * @param minConfidence the top probability below which answers are "unknown": the model's calibrated
     *     threshold, or {@code visage.identify.min-confidence} where set
     */
    record ModelView(
            String version,
            List<String> people,
            NetworkConfig architecture,
            List<Integer> inputShape,
            Preprocessing preprocessing,
            Instant trainedAt,
            float minConfidence,
            JsonNode metrics) {}
}
