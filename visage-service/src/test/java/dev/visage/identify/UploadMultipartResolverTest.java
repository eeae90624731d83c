package dev.visage.identify;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import jakarta.servlet.DispatcherType;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;

/** The resolver only presents bodies the upload filter read: it never reads (and so never waits for) one itself. */
class UploadMultipartResolverTest {

    private final UploadMultipartResolver resolver = new UploadMultipartResolver();

    @Test
    void aMultipartBodyTheFilterDidNotReadIsNotMultipartHere() {
        MockHttpServletRequest errorPage = multipartRequest("GET");
        errorPage.setDispatcherType(DispatcherType.ERROR);
        MockHttpServletRequest put = multipartRequest("PUT");

        assertThat(resolver.isMultipart(errorPage)).isFalse();
        assertThat(resolver.isMultipart(put)).isFalse();
    }

    @Test
    void aRefusalTheFilterRecordedIsThrownInsideSpringMvc() {
        MockHttpServletRequest request = multipartRequest("POST");
        UploadRejectedException stalled = UploadRejectedException.stalled("nothing came");
        request.setAttribute(UploadReadingFilter.RESULT, stalled);

        assertThat(resolver.isMultipart(request)).isTrue();
        assertThatThrownBy(() -> resolver.resolveMultipart(request)).isSameAs(stalled);
    }

    private static MockHttpServletRequest multipartRequest(String method) {
        MockHttpServletRequest request = new MockHttpServletRequest(method, "/identify");
        request.setContentType("multipart/form-data; boundary=b");
        request.setContent("--b\r\nContent-Disposition: form-data; name=\"image\"\r\n\r\nx\r\n--b--\r\n"
                .getBytes(StandardCharsets.ISO_8859_1));
        return request;
    }
}
