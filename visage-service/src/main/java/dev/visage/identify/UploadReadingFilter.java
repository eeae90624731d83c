package dev.visage.identify;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletException;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.web.filter.OncePerRequestFilter;

/**
 * Reads multipart/form-data bodies without holding a request thread: the request goes asynchronous, the body is
 * read by a non-blocking {@link ReadListener} as the client sends it (into a {@link MultipartReader}, so into one
 * budgeted image array), and only the complete upload is dispatched to the controller. A client that stalls holds
 * a connection and a few kilobytes, not a thread; after {@code visage.limits.upload-timeout} it gets a 408 and the
 * log one line. Refusals (too large, malformed, budget spent) are dispatched too, once the rest of the body has
 * been read and dropped (so that the client, still sending, can read the answer), as a request attribute that
 * {@link UploadMultipartResolver} throws, so that the web layer renders them like any other error.
 */
final class UploadReadingFilter extends OncePerRequestFilter {

    /** Request attribute: the {@link Upload}, or the {@link RuntimeException} that refused it. */
    static final String RESULT = UploadReadingFilter.class.getName() + ".result";

    private static final Logger log = LoggerFactory.getLogger(UploadReadingFilter.class);

    private final MemoryBudget budget;
    private final IdentifyProperties identify;
    private final LimitsProperties limits;

    UploadReadingFilter(MemoryBudget budget, IdentifyProperties identify, LimitsProperties limits) {
        this.budget = budget;
        this.identify = identify;
        this.limits = limits;
    }

    @Override
    protected boolean shouldNotFilter(HttpServletRequest request) {
        return !"POST".equals(request.getMethod()) || !Upload.isMultipart(request.getContentType());
    }

    @Override
    protected boolean shouldNotFilterAsyncDispatch() {
        return false;
    }

    @Override
    protected void doFilterInternal(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws ServletException, IOException {
        if (request.getDispatcherType() == DispatcherType.ASYNC || request.getAttribute(RESULT) != null) {
            chain.doFilter(request, response);
            return;
        }
        MemoryBudget.Permit permit = null;
        MultipartReader reader;
        try {
            permit = budget.acquire(0);
            reader = new MultipartReader(
                    Upload.boundary(request.getContentType()),
                    request.getContentLengthLong(),
                    identify.maxBytes().toBytes(),
                    limits.maxParts(),
                    permit);
        } catch (RuntimeException refused) {
            if (permit != null) {
                permit.close();
            }
            request.setAttribute(RESULT, refused);
            chain.doFilter(request, response);
            return;
        }
        AsyncContext async = request.startAsync();
        async.setTimeout(limits.uploadTimeout().toMillis());
        Listener listener = new Listener(async, request.getInputStream(), reader, permit);
        async.addListener(listener);
        request.getInputStream().setReadListener(listener);
    }

    /** Feeds the reader as bytes arrive, and dispatches once, whatever ends the read. */
    private final class Listener implements ReadListener, AsyncListener {

        private final AsyncContext async;
        private final ServletInputStream input;
        private final MultipartReader reader;
        private final MemoryBudget.Permit permit;
        private final long started = System.nanoTime();
        private final AtomicBoolean done = new AtomicBoolean();
        private RuntimeException refusal;
        private Upload upload;
        private byte[] discarded;

        Listener(AsyncContext async, ServletInputStream input, MultipartReader reader, MemoryBudget.Permit permit) {
            this.async = async;
            this.input = input;
            this.reader = reader;
            this.permit = permit;
        }

        @Override
        public void onDataAvailable() {
            try {
                while (!done.get() && input.isReady() && !input.isFinished()) {
                    if (refusal != null) {
                        // Refused mid-body: read the rest and drop it, so the client can read the answer.
                        if (input.read(discard()) < 0) {
                            break;
                        }
                    } else if (refuse(reader::readFrom) < 0) {
                        break;
                    }
                }
            } catch (IOException e) {
                onError(e);
            }
        }

        @Override
        public void onAllDataRead() throws IOException {
            if (refusal == null) {
                refuse(in -> {
                    upload = reader.finish();
                    return 0;
                });
            }
            dispatch(refusal != null ? refusal : upload);
        }

        /** Runs one step of reading; a refusal gives the budget back and is answered once the body has ended. */
        private int refuse(Step step) throws IOException {
            try {
                return step.run(input);
            } catch (RuntimeException e) {
                refusal = e;
                permit.close();
                return 0;
            }
        }

        private byte[] discard() {
            if (discarded == null) {
                discarded = new byte[8192];
            }
            return discarded;
        }

        @Override
        public void onError(Throwable t) {
            if (t instanceof SocketTimeoutException) {
                // A read waited past the connection timeout, which is normally above the upload timeout.
                stalled("The upload stopped arriving: " + reader.received()
                        + " bytes came, then nothing within the connection timeout");
                return;
            }
            // The client went away or the connection broke: nobody is left to answer.
            if (done.compareAndSet(false, true)) {
                log.info("Upload from {} broke off after {} bytes: {}", address(), reader.received(), t.toString());
                permit.close();
                async.complete();
            }
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            stalled("The upload did not arrive within " + limits.uploadTimeout().toSeconds() + " s ("
                    + reader.received() + " bytes came)");
        }

        private void stalled(String detail) {
            long seconds = (System.nanoTime() - started) / 1_000_000_000L;
            log.info("Upload from {} stalled: {} bytes in {} s; answering 408", address(), reader.received(), seconds);
            fail(UploadRejectedException.stalled(detail));
        }

        @Override
        public void onComplete(AsyncEvent event) {
            // After the dispatched request too: whatever happened, its bytes go back to the budget.
            permit.close();
        }

        @Override
        public void onError(AsyncEvent event) {
            permit.close();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {}

        private void fail(RuntimeException error) {
            permit.close();
            dispatch(error);
        }

        /** One read of the body, or its end. */
        private interface Step {
            int run(ServletInputStream input) throws IOException;
        }

        private void dispatch(Object result) {
            if (done.compareAndSet(false, true)) {
                async.getRequest().setAttribute(RESULT, result);
                async.dispatch();
            }
        }

        private String address() {
            return async.getRequest().getRemoteAddr();
        }
    }
}
