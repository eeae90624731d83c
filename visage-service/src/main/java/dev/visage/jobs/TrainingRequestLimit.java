package dev.visage.jobs;

import java.io.IOException;
import java.io.InputStream;
import java.lang.reflect.Type;
import org.springframework.core.MethodParameter;
import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpInputMessage;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.servlet.mvc.method.annotation.RequestBodyAdviceAdapter;

/**
 * Caps the {@code POST /train} body at {@link #LIMIT_KIB}: a declared length over it is refused before anything is read,
 * and a body without one (chunked) is cut off as soon as it goes over.
 */
@ControllerAdvice(assignableTypes = TrainingController.class)
class TrainingRequestLimit extends RequestBodyAdviceAdapter {

    /** Most KiB of a body (413 above): room for a list of thousands of names. */
    static final int LIMIT_KIB = 64;

    private static final long LIMIT = LIMIT_KIB * 1024L;

    @Override
    public boolean supports(
            MethodParameter parameter, Type targetType, Class<? extends HttpMessageConverter<?>> converterType) {
        return targetType == TrainingRequest.class;
    }

    @Override
    public HttpInputMessage beforeBodyRead(
            HttpInputMessage input,
            MethodParameter parameter,
            Type targetType,
            Class<? extends HttpMessageConverter<?>> converterType)
            throws IOException {
        if (input.getHeaders().getContentLength() > LIMIT) {
            throw new TrainingRequestTooLargeException(LIMIT);
        }
        InputStream limited = new Limited(input.getBody(), LIMIT);
        return new HttpInputMessage() {
            @Override
            public InputStream getBody() {
                return limited;
            }

            @Override
            public HttpHeaders getHeaders() {
                return input.getHeaders();
            }
        };
    }

    /** Passes at most {@code limit} bytes, then refuses the request. */
    private static final class Limited extends InputStream {

        private final InputStream in;
        private final long limit;
        private long read;

        Limited(InputStream in, long limit) {
            this.in = in;
            this.limit = limit;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            count(b < 0 ? 0 : 1);
            return b;
        }

        @Override
        public int read(byte[] buffer, int offset, int length) throws IOException {
            int n = in.read(buffer, offset, length);
            count(Math.max(0, n));
            return n;
        }

        private void count(int n) {
            read += n;
            if (read > limit) {
                throw new TrainingRequestTooLargeException(limit);
            }
        }
    }
}
