package dev.visage.serving;

import static org.mockito.Mockito.doThrow;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.delete;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.visage.store.ModelConflictException;
import dev.visage.store.ModelNotFoundException;
import dev.visage.store.ModelRefusedException;
import java.time.Instant;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.request.MockHttpServletRequestBuilder;

/** The admin model endpoints: token, JSON, and problem details for every refusal. */
@WebMvcTest(controllers = ModelsController.class, properties = "visage.admin.token=s3cret")
class ModelsControllerTest {

    private static final ModelsView VIEW = new ModelsView(
            "v2",
            "v2",
            "v1",
            null,
            List.of(
                    new ModelsView.Version(
                            "v2",
                            ModelsView.Status.CURRENT,
                            true,
                            Instant.EPOCH,
                            10,
                            0.99,
                            0.98,
                            0.97,
                            null,
                            null,
                            "b1",
                            null,
                            false),
                    new ModelsView.Version(
                            "v1",
                            ModelsView.Status.PREVIOUS,
                            false,
                            Instant.EPOCH,
                            10,
                            0.98,
                            0.97,
                            0.96,
                            null,
                            null,
                            null,
                            4,
                            true)),
            List.of(),
            List.of(new ModelsView.BaseVersion(
                    "b1", ModelsView.BaseVersion.KIND, true, Instant.EPOCH, 564, 0.7f, null)));

    @Autowired
    private MockMvc mvc;

    @MockitoBean
    private ModelVersions versions;

    private static MockHttpServletRequestBuilder admin(MockHttpServletRequestBuilder request) {
        return request.header(HttpHeaders.AUTHORIZATION, "Bearer s3cret");
    }

    @Test
    void needsTheAdminTokenEvenToList() throws Exception {
        mvc.perform(get("/models")).andExpect(status().isUnauthorized());
        mvc.perform(post("/models/v1/promote")).andExpect(status().isUnauthorized());
        mvc.perform(post("/models/rollback")).andExpect(status().isUnauthorized());
        mvc.perform(delete("/models/v1")).andExpect(status().isUnauthorized());
        verifyNoInteractions(versions);
    }

    @Test
    void listsTheVersions() throws Exception {
        when(versions.list()).thenReturn(VIEW);

        mvc.perform(admin(get("/models")))
                .andExpect(status().isOk())
                .andExpect(content().contentType(MediaType.APPLICATION_JSON))
                .andExpect(jsonPath("$.current").value("v2"))
                .andExpect(jsonPath("$.rollbackTarget").value("v1"))
                .andExpect(jsonPath("$.versions[0].status").value("current"))
                .andExpect(jsonPath("$.versions[1].testAccuracy").value(0.98))
                .andExpect(jsonPath("$.versions[0].base").value("b1"))
                .andExpect(jsonPath("$.versions[0].trainedOnErasedPeople").value(false))
                .andExpect(jsonPath("$.versions[1].trainedOnErasedPeople").value(true))
                .andExpect(jsonPath("$.versions[1].enrolledPeople").value(4))
                .andExpect(jsonPath("$.bases[0].kind").value("base"))
                .andExpect(jsonPath("$.bases[0].version").value("b1"))
                .andExpect(jsonPath("$.bases[0].inUse").value(true));
    }

    @Test
    void promotesAndRollsBack() throws Exception {
        when(versions.list()).thenReturn(VIEW);

        mvc.perform(admin(post("/models/v1/promote"))).andExpect(status().isOk());
        mvc.perform(admin(post("/models/rollback"))).andExpect(status().isOk());

        verify(versions).promote("v1");
        verify(versions).rollBack();
    }

    @Test
    void aRefusedVersionIs422WithTheReason() throws Exception {
        doThrow(new ModelRefusedException("v3", "self-test: probes/00.png (A/A_0001.jpg) was answered B", null))
                .when(versions)
                .promote("v3");

        mvc.perform(admin(post("/models/v3/promote")))
                .andExpect(status().isUnprocessableContent())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("https://visage.dev/problems/model-refused"))
                .andExpect(jsonPath("$.version").value("v3"))
                .andExpect(jsonPath("$.reason").value("self-test: probes/00.png (A/A_0001.jpg) was answered B"));
    }

    @Test
    void anUnknownVersionIs404AndConflictsAre409() throws Exception {
        doThrow(new ModelConflictException("Model v2 is current"))
                .when(versions)
                .delete("v2");
        when(versions.rollBack()).thenThrow(new ModelConflictException("No earlier version to roll back to"));
        doThrow(new ModelNotFoundException("v9", "No model v9 in models"))
                .when(versions)
                .delete("v9");

        mvc.perform(admin(delete("/models/v2")))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.type").value("https://visage.dev/problems/model-conflict"));
        mvc.perform(admin(post("/models/rollback")))
                .andExpect(status().isConflict())
                .andExpect(jsonPath("$.detail").value("No earlier version to roll back to"));
        mvc.perform(admin(delete("/models/v9")))
                .andExpect(status().isNotFound())
                .andExpect(jsonPath("$.type").value("https://visage.dev/problems/no-such-model"))
                .andExpect(jsonPath("$.version").value("v9"));
        mvc.perform(admin(delete("/models/v1"))).andExpect(status().isNoContent());
        verify(versions).delete("v1");
    }
}
