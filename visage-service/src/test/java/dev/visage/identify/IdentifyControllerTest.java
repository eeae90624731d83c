package dev.visage.identify;

import static org.hamcrest.Matchers.containsString;
import static org.hamcrest.Matchers.hasSize;
import static org.hamcrest.Matchers.not;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.ArgumentMatchers.anyBoolean;
import static org.mockito.ArgumentMatchers.anyInt;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.verifyNoInteractions;
import static org.mockito.Mockito.when;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.multipart;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.jsonPath;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.visage.serving.ModelNotReadyException;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.http.MediaType;
import org.springframework.mock.web.MockMultipartFile;
import org.springframework.test.context.bean.override.mockito.MockitoBean;
import org.springframework.test.web.servlet.MockMvc;

@WebMvcTest(controllers = IdentifyController.class, properties = "visage.identify.default-top=4")
class IdentifyControllerTest {

    private static final byte[] PHOTO = {(byte) 0xff, (byte) 0xd8, 1, 2, 3, 4};
    private static final MockMultipartFile IMAGE = new MockMultipartFile("image", "face.jpg", "image/jpeg", PHOTO);

    @TestConfiguration(proxyBeanMethods = false)
    @EnableConfigurationProperties(IdentifyProperties.class)
    static class Properties {}

    @Autowired
    private MockMvc mvc;

    @MockitoBean
    private IdentificationService identification;

    private static Identification answer(String faceCrop) {
        return new Identification(
                "P01_Alice_Synthetic",
                true,
                0.75f,
                List.of(
                        new Identification.Candidate("P01_Alice_Synthetic", 0.75f),
                        new Identification.Candidate("P02_Bruno_Synthetic", 0.15f)),
                0.1f,
                "20250101-000001-000",
                12.5,
                faceCrop,
                List.of(),
                null,
                null);
    }

    @Test
    void answersWithTheIdentificationAsJson() throws Exception {
        when(identification.identify(PHOTO, 4, false, true)).thenReturn(answer(null));

        mvc.perform(multipart("/identify").file(IMAGE))
                .andExpect(status().isOk())
                .andExpect(content().contentTypeCompatibleWith(MediaType.APPLICATION_JSON))
                .andExpect(jsonPath("$.person").value("P01_Alice_Synthetic"))
                .andExpect(jsonPath("$.known").value(true))
                .andExpect(jsonPath("$.confidence").value(0.75))
                .andExpect(jsonPath("$.candidates", hasSize(2)))
                .andExpect(jsonPath("$.candidates[0].person").value("P01_Alice_Synthetic"))
                .andExpect(jsonPath("$.candidates[0].probability").value(0.75))
                .andExpect(jsonPath("$.candidates[1].person").value("P02_Bruno_Synthetic"))
                .andExpect(jsonPath("$.otherProbability").value(0.1f))
                .andExpect(jsonPath("$.modelVersion").value("20250101-000001-000"))
                .andExpect(jsonPath("$.timeMillis").value(12.5))
                .andExpect(jsonPath("$.faceCrop").doesNotExist());
        // No top given: the configured default (visage.identify.default-top) applies.
        verify(identification).identify(PHOTO, 4, false, true);
    }

    @Test
    void passesTopAndCropThrough() throws Exception {
        when(identification.identify(PHOTO, 2, true, true)).thenReturn(answer("data:image/png;base64,iVBORw0KGgo="));

        mvc.perform(multipart("/identify").file(IMAGE).param("top", "2").param("crop", "true"))
                .andExpect(status().isOk())
                .andExpect(jsonPath("$.faceCrop").value("data:image/png;base64,iVBORw0KGgo="));
        verify(identification).identify(PHOTO, 2, true, true);
    }

    @Test
    void aMissingImagePartIsABadRequestProblem() throws Exception {
        mvc.perform(multipart("/identify").param("top", "2"))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.status").value(400))
                .andExpect(jsonPath("$.type").value("https://visage.dev/problems/missing-image"))
                .andExpect(jsonPath("$.title").value("No image"))
                .andExpect(jsonPath("$.detail")
                        .value("The request has no part named 'image': send the photo as the multipart field 'image'"))
                .andExpect(jsonPath("$.instance").value("/identify"));
        verifyNoInteractions(identification);
    }

    @Test
    void topBelowOneIsRefusedWithTheField() throws Exception {
        mvc.perform(multipart("/identify").file(IMAGE).param("top", "0"))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.type").value("https://visage.dev/problems/invalid-request"))
                .andExpect(jsonPath("$.errors", hasSize(1)))
                .andExpect(jsonPath("$.errors[0].field").value("top"))
                .andExpect(jsonPath("$.errors[0].message").value(containsString("1")))
                .andExpect(jsonPath("$.detail").value(containsString("top")));
        verify(identification, never()).identify(any(), anyInt(), anyBoolean(), anyBoolean());
    }

    @Test
    void topAboveTheMaximumIsRefusedWithTheField() throws Exception {
        mvc.perform(multipart("/identify").file(IMAGE).param("top", "1001"))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.errors[0].field").value("top"));
        verify(identification, never()).identify(any(), anyInt(), anyBoolean(), anyBoolean());
    }

    @Test
    void aNonNumericTopIsABadRequestProblem() throws Exception {
        mvc.perform(multipart("/identify").file(IMAGE).param("top", "three"))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.status").value(400));
        verify(identification, never()).identify(any(), anyInt(), anyBoolean(), anyBoolean());
    }

    @Test
    void noModelYetIsServiceUnavailableWithRetryAfter() throws Exception {
        when(identification.identify(any(), anyInt(), anyBoolean(), anyBoolean()))
                .thenThrow(new ModelNotReadyException());

        mvc.perform(multipart("/identify").file(IMAGE))
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().string("Retry-After", "30"))
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.status").value(503))
                .andExpect(jsonPath("$.type").value("https://visage.dev/problems/no-model"))
                .andExpect(jsonPath("$.title").value("No model yet"))
                .andExpect(jsonPath("$.detail").value(containsString("No model is loaded yet")));
    }

    @Test
    void aBusyServiceIsServiceUnavailableWithAShortRetryAfter() throws Exception {
        when(identification.identify(any(), anyInt(), anyBoolean(), anyBoolean()))
                .thenThrow(ServiceErrors.busy());

        mvc.perform(multipart("/identify").file(IMAGE))
                .andExpect(status().isServiceUnavailable())
                .andExpect(header().string("Retry-After", "1"))
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.status").value(503))
                .andExpect(jsonPath("$.type").value("https://visage.dev/problems/busy"))
                .andExpect(jsonPath("$.title").value("Busy"))
                .andExpect(jsonPath("$.detail").value("Too many identifications waiting; try again shortly"));
    }

    @Test
    void anUnreadableImageIsABadRequestProblem() throws Exception {
        when(identification.identify(any(), anyInt(), anyBoolean(), anyBoolean()))
                .thenThrow(ServiceErrors.unreadableImage());

        mvc.perform(multipart("/identify").file(IMAGE))
                .andExpect(status().isBadRequest())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.status").value(400))
                .andExpect(jsonPath("$.type").value("https://visage.dev/problems/unreadable-image"))
                .andExpect(jsonPath("$.title").value("Unreadable image"))
                .andExpect(jsonPath("$.detail").value(containsString("corrupt or truncated")));
    }

    @Test
    void anUnsupportedImageTypeIsUnsupportedMediaType() throws Exception {
        when(identification.identify(any(), anyInt(), anyBoolean(), anyBoolean()))
                .thenThrow(ServiceErrors.unsupportedImage());

        mvc.perform(multipart("/identify").file(IMAGE))
                .andExpect(status().isUnsupportedMediaType())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.status").value(415))
                .andExpect(jsonPath("$.type").value("https://visage.dev/problems/unsupported-image-type"))
                .andExpect(jsonPath("$.title").value("Unsupported image type"))
                .andExpect(jsonPath("$.detail").value(containsString("tif are not supported")));
    }

    @Test
    void anOversizedImageIsContentTooLarge() throws Exception {
        when(identification.identify(any(), anyInt(), anyBoolean(), anyBoolean()))
                .thenThrow(ServiceErrors.imageTooLarge());

        mvc.perform(multipart("/identify").file(IMAGE))
                .andExpect(status().is(413))
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.status").value(413))
                .andExpect(jsonPath("$.type").value("https://visage.dev/problems/image-too-large"))
                .andExpect(jsonPath("$.title").value("Image too large"))
                .andExpect(jsonPath("$.detail").value(containsString("30000x30000")));
    }

    @Test
    void anUnexpectedFailureIsAProblemWithoutInternals() throws Exception {
        when(identification.identify(any(), anyInt(), anyBoolean(), anyBoolean()))
                .thenThrow(new IllegalStateException("secret native detail at /opt/libtorch"));

        mvc.perform(multipart("/identify").file(IMAGE))
                .andExpect(status().isInternalServerError())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(jsonPath("$.detail").value("An unexpected error occurred; it has been logged"))
                .andExpect(content().string(not(containsString("secret"))));
    }

    @Test
    void aBodyThatIsNotMultipartIsUnsupportedMediaType() throws Exception {
        mvc.perform(post("/identify").contentType(MediaType.APPLICATION_JSON).content("{\"image\":\"x\"}"))
                .andExpect(status().isUnsupportedMediaType())
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON));
        verify(identification, never()).identify(any(), anyInt(), anyBoolean(), anyBoolean());
    }

    @Test
    void getIsMethodNotAllowed() throws Exception {
        mvc.perform(get("/identify"))
                .andExpect(status().isMethodNotAllowed())
                .andExpect(header().string("Allow", containsString("POST")))
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON));
    }
}
