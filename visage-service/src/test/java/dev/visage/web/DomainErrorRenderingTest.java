package dev.visage.web;

import static org.hamcrest.Matchers.containsString;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.content;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.header;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.visage.system.DomainError;
import org.junit.jupiter.api.Test;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.webmvc.test.autoconfigure.WebMvcTest;
import org.springframework.context.annotation.Import;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.test.json.JsonCompareMode;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.ResultActions;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/** A domain error the web layer has never heard of is answered as it describes itself. */
@WebMvcTest(controllers = DomainErrorRenderingTest.Throwing.class)
@Import(DomainErrorRenderingTest.Throwing.class)
class DomainErrorRenderingTest {

    @Autowired
    private MockMvc mvc;

    /** One new class, and nothing else: no handler, no mapping. */
    static final class QuotaExceededException extends RuntimeException implements DomainError {

        QuotaExceededException() {
            super("All 3 identifications of today are used");
        }

        @Override
        public Problem problem() {
            return new Problem(429, "quota-exceeded", "Quota exceeded")
                    .with("limit", 3)
                    .with("window", "P1D")
                    .with("used", 3)
                    .retryAfter(3600);
        }
    }

    static final class CutOffException extends RuntimeException implements DomainError {

        CutOffException() {
            super("The body stopped arriving");
        }

        @Override
        public Problem problem() {
            return new Problem(408, "cut-off", "Cut off").closingConnection();
        }
    }

    @RestController
    static class Throwing {

        @GetMapping("/quota")
        void quota() {
            throw new QuotaExceededException();
        }

        @GetMapping("/cut-off")
        void cutOff() {
            throw new CutOffException();
        }
    }

    @Test
    void statusTypeTitleDetailMembersInOrderAndRetryAfter() throws Exception {
        expectProblem("/quota", 429, """
                        {"type": "https://visage.dev/problems/quota-exceeded", "title": "Quota exceeded",
                         "status": 429, "detail": "All 3 identifications of today are used",
                         "instance": "/quota", "limit": 3, "window": "P1D", "used": 3}
                        """)
                .andExpect(content().string(containsString("\"limit\":3,\"window\":\"P1D\",\"used\":3")))
                .andExpect(header().string(HttpHeaders.RETRY_AFTER, "3600"))
                .andExpect(header().doesNotExist(HttpHeaders.CONNECTION));
    }

    @Test
    void aBodyLeftUnreadClosesTheConnection() throws Exception {
        expectProblem("/cut-off", 408, """
                        {"type": "https://visage.dev/problems/cut-off", "title": "Cut off", "status": 408,
                         "detail": "The body stopped arriving", "instance": "/cut-off"}
                        """)
                .andExpect(header().string(HttpHeaders.CONNECTION, "close"))
                .andExpect(header().doesNotExist(HttpHeaders.RETRY_AFTER));
    }

    /** The answer has this status, is {@code application/problem+json}, and has exactly these members. */
    private ResultActions expectProblem(String path, int status, String problem) throws Exception {
        return mvc.perform(get(path))
                .andExpect(status().is(status))
                .andExpect(content().contentType(MediaType.APPLICATION_PROBLEM_JSON))
                .andExpect(content().json(problem, JsonCompareMode.STRICT));
    }
}
