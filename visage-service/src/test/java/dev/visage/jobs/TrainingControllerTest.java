package dev.visage.jobs;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.endsWith;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.visage.dataset.LfwVariant;
import dev.visage.jobs.TrainingJobView.State;
import dev.visage.jobs.TrainingRequest.People;
import dev.visage.store.LockHolder;
import dev.visage.store.TrainingLockedException;
import dev.visage.training.NoFaceBaseException;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

@WebMvcTest(controllers = TrainingController.class, properties = "visage.admin.token=s3cret")
class TrainingControllerTest {

    private static final String ID = "0f8e6b0a-7f6c-4c57-9a3e-5d2b1c0e4a11";
    private static final TrainingRequest SETTINGS =
            new TrainingRequest(new People(10, null, false), 40, 64, 0.003f, 42L, LfwVariant.DEEPFUNNELED);

    @Autowired
    private MockMvc mvc;

    @MockitoBean
    private TrainingJobs jobs;

    @Test
    void startsAJobWithTheDefaultsWhenThereIsNoBody() throws Exception {
        when(jobs.submit(TrainingRequest.DEFAULTS)).thenReturn(job(State.QUEUED, false));

        mvc.perform(admin(post("/train")))
                .andExpect(status().isAccepted())
                .andExpect(header().string(HttpHeaders.LOCATION, endsWith("/train/" + ID)))
                .andExpect(content().contentType(MediaType.APPLICATION_JSON))
                .andExpect(jsonPath("$.id").value(ID))
                .andExpect(jsonPath("$.state").value("QUEUED"))
                .andExpect(jsonPath("$.settings.people").value(10))
                .andExpect(jsonPath("$.settings.variant").value("deepfunneled"));
    }

    @Test
    void startsAJobWithTheOverrides() throws Exception {
        when(jobs.submit(any())).thenReturn(job(State.QUEUED, false));

        mvc.perform(admin(post("/train"))
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("""
                {"people": ["Ann", "Bob"], "epochs": 3, "batchSize": 16, "learningRate": 0.01, "seed": 7,
                 "variant": "funneled"}"""))
                .andExpect(status().isAccepted());

        verify(jobs)
                .submit(new TrainingRequest(
                        new People(null, List.of("Ann", "Bob"), false), 3, 16, 0.01f, 7L, LfwVariant.FUNNELED));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {"epochs": 0}                  | epochs
            {"epochs": 1001}               | epochs
            {"batchSize": 4097}            | batchSize
            {"learningRate": 0}            | learningRate
            {"learningRate": 0.6}          | learningRate
            {"people": 1}                  | people
            {"people": ["Ann"]}            | people
            {"people": ["Ann", "Ann"]}     | people
            {"people": ["Ann", " "]}       | people
            {"variant": "aligned"}         | variant
            """)
    void rejectsAnInvalidOverrideNamingTheField(String body, String field) throws Exception {
        mvc.perform(admin(post("/train"))
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(body))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.status").value(400))
                .andExpect(jsonPath("$.errors[0].field").value(field))
                .andExpect(jsonPath("$.errors.length()").value(1));
        verifyNoInteractions(jobs);
    }

    @Test
    void rejectsPeopleThatAreNeitherANumberNorNames() throws Exception {
        mvc.perform(admin(post("/train"))
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"people\": 2.5}"))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON));
        verifyNoInteractions(jobs);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', textBlock = """
            {"epochs": 1.5}                | epochs    | must be a whole number, not 1.5
            {"epochs": 2.0}                | epochs    | must be a whole number, not 2.0
            {"batchSize": "16"}            | batchSize | must be a whole number, not 16
            {"seed": 4.2}                  | seed      | must be a whole number, not 4.2
            {"epochs": 2, "epoch": 3}      | epoch     | is not a field of this request
            {"promote": "sometimes"}       | promote   | must be auto, never or force, not sometimes
            """)
    void refusesFractionsUnknownFieldsAndUnknownPromotionsNamingTheField(String body, String field, String message)
            throws Exception {
        mvc.perform(admin(post("/train"))
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(body))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("https://visage.dev/problems/invalid-request"))
                .andExpect(jsonPath("$.errors[0].field").value(field))
                .andExpect(jsonPath("$.errors[0].message").value(message));
        verifyNoInteractions(jobs);
    }

    @Test
    void passesTheKindOn() throws Exception {
        when(jobs.submit(any())).thenReturn(job(State.QUEUED, false));

        mvc.perform(admin(post("/train"))
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"kind\": \"base\"}"))
                .andExpect(status().isAccepted());

        verify(jobs).submit(TrainingRequest.BASE);
    }

    @Test
    void passesThePromotionOn() throws Exception {
        when(jobs.submit(any())).thenReturn(job(State.QUEUED, false));

        mvc.perform(admin(post("/train"))
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"epochs\": 3, \"promote\": \"force\"}"))
                .andExpect(status().isAccepted());

        verify(jobs).submit(new TrainingRequest(null, 3, null, null, null, null, PromotionPolicy.FORCE, null, null));
    }

    @Test
    void refusesABodyOverTheLimitWith413() throws Exception {
        String padded = "{\"epochs\": 3, \"x\": \"" + "a".repeat(70_000) + "\"}";

        mvc.perform(admin(post("/train"))
                        .contentType(MediaType.APPLICATION_JSON)
                        .content(padded))
                .andExpect(status().is(413))
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("https://visage.dev/problems/request-too-large"))
                .andExpect(jsonPath("$.detail").value(containsString("65536 bytes")));
        verifyNoInteractions(jobs);
    }

    @Test
    void refusesAJobWhileAnotherInstanceTrains() throws Exception {
        LockHolder holder = new LockHolder("host-b/42/abcd", "job-b", Instant.EPOCH, Instant.EPOCH);
        when(jobs.submit(any())).thenThrow(new TrainingLockedException(holder));

        mvc.perform(admin(post("/train")))
                .andExpect(status().isConflict())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("https://visage.dev/problems/training-elsewhere"))
                .andExpect(jsonPath("$.owner").value("host-b/42/abcd"))
                .andExpect(jsonPath("$.jobId").value("job-b"));
    }

    @Test
    void startsAModelFromTheFaceBaseAndAnswers409WhenNoneIsStored() throws Exception {
        when(jobs.submit(any())).thenThrow(new NoFaceBaseException());

        mvc.perform(admin(post("/train"))
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"fromBase\": true}"))
                .andExpect(status().isConflict())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("https://visage.dev/problems/no-face-base"))
                .andExpect(jsonPath("$.detail").value(containsString("train one first")));
        verify(jobs).submit(new TrainingRequest(null, null, null, null, null, null, null, null, true));
    }

    @Test
    void refusesABaseFromTheBaseNamingTheField() throws Exception {
        mvc.perform(admin(post("/train"))
                        .contentType(MediaType.APPLICATION_JSON)
                        .content("{\"kind\": \"base\", \"fromBase\": true}"))
                .andExpect(status().isBadRequest())
                .andExpect(jsonPath("$.type").value("https://visage.dev/problems/invalid-request"))
                .andExpect(jsonPath("$.errors[0].field").value("fromBase"));
        verifyNoInteractions(jobs);
    }

    @Test
    void refusesASecondJobWhileOneRuns() throws Exception {
        when(jobs.submit(any())).thenThrow(TrainingJobConflictException.busy(job(State.RUNNING, false)));

        mvc.perform(admin(post("/train")))
                .andExpect(status().isConflict())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.jobId").value(ID))
                .andExpect(jsonPath("$.state").value("RUNNING"));
    }

    @Test
    void requiresTheAdminTokenBeforeReadingTheBody() throws Exception {
        mvc.perform(post("/train").contentType(MediaType.APPLICATION_JSON).content("{\"epochs\": 0}"))
                .andExpect(status().isUnauthorized())
                .andExpect(header().string(HttpHeaders.WWW_AUTHENTICATE, "Bearer"))
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.status").value(401));
        mvc.perform(get("/train/" + ID).header(HttpHeaders.AUTHORIZATION, "Basic czNjcmV0"))
                .andExpect(status().isUnauthorized());
        verifyNoInteractions(jobs);
    }

    @Test
    void rejectsAWrongToken() throws Exception {
        mvc.perform(get("/train").header(HttpHeaders.AUTHORIZATION, "Bearer s3cre"))
                .andExpect(status().isUnauthorized())
                .andExpect(header().string(HttpHeaders.WWW_AUTHENTICATE, "Bearer error=\"invalid_token\""))
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON));
        verifyNoInteractions(jobs);
    }

    @Test
    void showsAJob() throws Exception {
        when(jobs.find(ID)).thenReturn(Optional.of(job(State.RUNNING, false)));

        mvc.perform(admin(get("/train/" + ID)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.state").value("RUNNING"))
                .andExpect(jsonPath("$.epoch").value(2))
                .andExpect(jsonPath("$.progress").value(0.25))
                .andExpect(jsonPath("$.submittedAt").value("2025-01-01T00:00:00Z"));
    }

    @Test
    void unknownJobIsNotFound() throws Exception {
        when(jobs.find("nope")).thenReturn(Optional.empty());

        mvc.perform(admin(get("/train/nope")))
                .andExpect(status().isNotFound())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.detail").value("No training job nope"));
    }

    @Test
    void listsRecentJobs() throws Exception {
        when(jobs.recent()).thenReturn(List.of(job(State.RUNNING, false)));

        mvc.perform(admin(get("/train")))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.length()").value(1))
                .andExpect(jsonPath("$[0].id").value(ID));
    }

    @Test
    void cancellingARunningJobIsAccepted() throws Exception {
        when(jobs.cancel(ID)).thenReturn(Optional.of(job(State.RUNNING, true)));

        mvc.perform(admin(delete("/train/" + ID)))
                .andExpect(status().isAccepted())
                .andExpect(jsonPath("$.cancelRequested").value(true));
    }

    @Test
    void cancellingAQueuedJobCancelsIt() throws Exception {
        when(jobs.cancel(ID)).thenReturn(Optional.of(job(State.CANCELLED, true)));

        mvc.perform(admin(delete("/train/" + ID)))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.state").value("CANCELLED"));
    }

    @Test
    void cancellingAFinishedJobConflicts() throws Exception {
        when(jobs.cancel(ID)).thenThrow(TrainingJobConflictException.finished(job(State.SUCCEEDED, false)));

        mvc.perform(admin(delete("/train/" + ID)))
                .andExpect(status().isConflict())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.jobId").value(ID));
    }

    @Test
    void cancellingAnUnknownJobIsNotFound() throws Exception {
        when(jobs.cancel("nope")).thenReturn(Optional.empty());

        mvc.perform(admin(delete("/train/nope")))
                .andExpect(status().isNotFound())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON));
    }

    private static MockHttpServletRequestBuilder admin(MockHttpServletRequestBuilder request) {
        return request.header(HttpHeaders.AUTHORIZATION, "Bearer s3cret");
    }

    private static TrainingJobView job(State state, boolean cancelRequested) {
        return new TrainingJobView(
                ID,
                state,
                cancelRequested,
                SETTINGS,
                null,
                null,
                2,
                40,
                1,
                2,
                0.25,
                null,
                List.of(),
                Instant.parse("2025-01-01T00:00:00Z"),
                null,
                null,
                null,
                null);
    }
}
