package dev.visage.serving;

import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.contains;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyString;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.visage.face.FaceCrop;
import dev.visage.face.Preprocessing;
import dev.visage.jobs.TrainingJobView;
import dev.visage.jobs.TrainingJobView.State;
import dev.visage.jobs.TrainingJobs;
import dev.visage.network.NetworkConfig;
import dev.visage.store.ModelManifest;
import dev.visage.store.ModelStore;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

@WebMvcTest(controllers = ModelController.class)
class ModelControllerTest {

    private static final String VERSION = "20250102-030405-006";

    @Autowired
    private MockMvc mvc;

    @MockitoBean
    private CurrentModel currentModel;

    @MockitoBean
    private ModelStore store;

    @MockitoBean
    private TrainingJobs jobs;

    private static ModelManifest manifest() {
        return new ModelManifest(
                ModelManifest.FORMAT,
                VERSION,
                List.of("Ann_A", "Bob_B", "Cy_C"),
                new NetworkConfig(List.of(16, 32, 64), 128, 0.3f, false),
                new Preprocessing(
                        FaceCrop.of(128, 64), new float[] {0.5f, 0.4f, 0.3f}, new float[] {0.25f, 0.2f, 0.125f}),
                Instant.parse("2025-01-02T03:04:05.006Z"),
                Map.of(),
                null,
                0,
                null,
                null,
                null);
    }

    @Test
    void describesTheModelInService() throws Exception {
        when(currentModel.manifest()).thenReturn(Optional.of(manifest()));
        when(store.metrics(VERSION, JsonNode.class))
                .thenReturn(JsonMapper.builder()
                        .build()
                        .readTree("{\"testAccuracy\":0.875,\"bestEpoch\":7,\"test\":{\"people\":[\"Ann_A\"]}}"));

        mvc.perform(get("/model"))
                .andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
                .andExpect(jsonPath("$.version").value(VERSION))
                .andExpect(jsonPath("$.people", contains("Ann_A", "Bob_B", "Cy_C")))
                .andExpect(jsonPath("$.architecture.channels", contains(16, 32, 64)))
                .andExpect(jsonPath("$.architecture.hiddenUnits").value(128))
                .andExpect(jsonPath("$.architecture.batchNorm").value(false))
                .andExpect(jsonPath("$.inputShape", contains(3, 64, 64)))
                .andExpect(jsonPath("$.preprocessing.crop.cropSize").value(128))
                .andExpect(jsonPath("$.preprocessing.crop.imageSize").value(64))
                .andExpect(jsonPath("$.preprocessing.mean", contains(0.5, 0.4, 0.3)))
                .andExpect(jsonPath("$.preprocessing.std", contains(0.25, 0.2, 0.125)))
                .andExpect(jsonPath("$.trainedAt").value("2025-01-02T03:04:05.006Z"))
                // No calibrated threshold in this manifest (trained without outsiders): the fixed one.
                .andExpect(jsonPath("$.minConfidence")
                        .value(Double.parseDouble(Float.toString(ServingModel.UNCALIBRATED_MIN_CONFIDENCE))))
                .andExpect(jsonPath("$.metrics.testAccuracy").value(0.875))
                .andExpect(jsonPath("$.metrics.bestEpoch").value(7))
                .andExpect(jsonPath("$.metrics.test.people[0]").value("Ann_A"));
    }

    @Test
    void theServedThresholdIsTheOverrideElseTheModelsCalibratedOneElseTheFormerDefault() {
        ModelManifest uncalibrated = manifest();
        ModelManifest calibrated = new ModelManifest(
                uncalibrated.format(),
                uncalibrated.version(),
                uncalibrated.people(),
                uncalibrated.network(),
                uncalibrated.preprocessing(),
                uncalibrated.trainedAt(),
                Map.of(),
                0.73f,
                0,
                null,
                null,
                null);

        assertThat(ServingModel.minConfidence(calibrated, null)).isEqualTo(0.73f);
        assertThat(ServingModel.minConfidence(calibrated, 0.2f)).isEqualTo(0.2f);
        assertThat(ServingModel.minConfidence(uncalibrated, null)).isEqualTo(ServingModel.UNCALIBRATED_MIN_CONFIDENCE);
    }

    @Test
    void isServiceUnavailableBeforeAnyModel() throws Exception {
        when(currentModel.manifest()).thenReturn(Optional.empty());

        mvc.perform(get("/model"))
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().string("Retry-After", "30"))
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.status").value(503))
                .andExpect(jsonPath("$.type").value("https://visage.dev/problems/no-model"))
                .andExpect(jsonPath("$.title").value("No model yet"))
                .andExpect(jsonPath("$.detail").value("No model is loaded yet; one may be training. Try again later."));
        verify(store, never()).metrics(anyString(), any());
    }

    @Test
    void saysWhyWhenTheNewestTrainingJobFailed() throws Exception {
        when(currentModel.manifest()).thenReturn(Optional.empty());
        when(jobs.recent()).thenReturn(List.of(failedJob("job-7", "LFW folder /x is missing")));

        mvc.perform(get("/model"))
                .andExpect(status().isServiceUnavailable())
                .andExpect(jsonPath("$.type").value("https://visage.dev/problems/no-model"))
                .andExpect(jsonPath("$.failedJob").value("job-7"))
                .andExpect(jsonPath("$.detail")
                        .value("No model is loaded yet: training job job-7 failed: LFW folder /x is missing. Once"
                                + " that is fixed, train again (POST /train, or restart the service)."));
    }

    private static TrainingJobView failedJob(String id, String error) {
        Instant at = Instant.EPOCH;
        return new TrainingJobView(
                id, State.FAILED, false, null, null, null, 0, 1, 0, 0, 0, null, List.of(), at, at, at, error, null);
    }
}
