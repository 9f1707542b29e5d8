package vn.datafloor.server.platform;

import static org.assertj.core.api.Assertions.assertThat;

import ch.qos.logback.classic.Level;
import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import jakarta.servlet.ServletException;
import java.util.Locale;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;
import org.springframework.context.support.ResourceBundleMessageSource;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.mock.web.MockHttpServletResponse;
import org.springframework.web.servlet.HandlerMapping;

/** What is logged for a failed request: a 5xx once with its stack and a reference the answer carries; a 4xx no stack at all. */
class ErrorAdviceTest {

    private final ErrorAdvice advice = new ErrorAdvice(new ProblemResponses(messages()));
    private final ListAppender<ILoggingEvent> logged = new ListAppender<>();
    private Level before;

    private static ResourceBundleMessageSource messages() {
        ResourceBundleMessageSource source = new ResourceBundleMessageSource();
        source.setBasename("messages");
        source.setDefaultEncoding("UTF-8");
        source.setFallbackToSystemLocale(false);
        return source;
    }

    @BeforeEach
    void captureLog() {
        logged.start();
        Logger logger = (Logger) LoggerFactory.getLogger(ErrorAdvice.class);
        before = logger.getLevel();
        logger.setLevel(Level.DEBUG); // the client-error line too, to see that it has no stack or value
        logger.addAppender(logged);
    }

    @AfterEach
    void releaseLog() {
        Logger logger = (Logger) LoggerFactory.getLogger(ErrorAdvice.class);
        logger.detachAppender(logged);
        logger.setLevel(before);
    }

    @Test
    void anUnexpectedErrorIsLoggedOnceWithItsReferenceAndAnOverflowIsCut() {
        StackOverflowError overflow = overflow(0);
        assertThat(overflow.getStackTrace()).hasSizeGreaterThan(UnexpectedErrors.OVERFLOW_FRAMES);
        MockHttpServletRequest request = request("/api/3/action/package_search?q=((((");

        Object answer = advice.unexpected(
                new ServletException("Handler dispatch failed", overflow),
                request,
                new MockHttpServletResponse(),
                Locale.ENGLISH);

        ProblemDetail problem = (ProblemDetail) ((ResponseEntity<?>) answer).getBody();
        assertThat(problem.getStatus()).isEqualTo(500);
        String reference = (String) problem.getProperties().get("reference");
        assertThat(reference).matches("[0-9a-f]{16}");
        assertThat(problem.getDetail())
                .contains(reference)
                .doesNotContain("StackOverflowError")
                .doesNotContain("at vn.");
        assertThat(logged.list).singleElement().satisfies(event -> {
            assertThat(event.getLevel()).isEqualTo(Level.ERROR);
            assertThat(event.getFormattedMessage())
                    .contains(reference)
                    .contains("/api/3/action/{name}")
                    .doesNotContain("((((");
            assertThat(event.getThrowableProxy().getStackTraceElementProxyArray())
                    .hasSize(UnexpectedErrors.OVERFLOW_FRAMES);
        });
    }

    @Test
    void aClientErrorLogsOneLineWithoutStackTraceOrTheCallersValues() {
        MockHttpServletRequest request = request("/api/catalog/datasets?q=bi-mat");

        Object answer = advice.problem(
                ProblemException.badRequest(
                        "search.tooLong", "The search text is longer than 10 characters " + "(bi-mat)", 10),
                request,
                new MockHttpServletResponse(),
                Locale.ENGLISH);

        assertThat(((ResponseEntity<?>) answer).getStatusCode()).isEqualTo(HttpStatus.BAD_REQUEST);
        assertThat(logged.list).hasSizeLessThanOrEqualTo(1).allSatisfy(event -> {
            assertThat(event.getThrowableProxy()).isNull();
            assertThat(event.getFormattedMessage()).doesNotContain("bi-mat").doesNotContain("\n");
        });
    }

    private static MockHttpServletRequest request(String uri) {
        MockHttpServletRequest request = new MockHttpServletRequest("GET", uri.replaceAll("\\?.*", ""));
        request.setQueryString(uri.contains("?") ? uri.substring(uri.indexOf('?') + 1) : null);
        request.setAttribute(
                HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE,
                uri.startsWith("/api/3") ? "/api/3/action/{name}" : "/api/catalog/datasets");
        return request;
    }

    /** A real StackOverflowError, by recursing until the stack runs out: the recursion is the point. */
    @SuppressWarnings("InfiniteRecursion")
    private static StackOverflowError overflow(int depth) {
        try {
            return overflow(depth + 1);
        } catch (StackOverflowError e) {
            return e;
        }
    }
}
