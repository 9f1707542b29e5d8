package vn.datafloor.server.platform;

import jakarta.servlet.http.HttpServletRequest;
import java.net.URI;
import java.util.Locale;
import org.springframework.context.MessageSource;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ProblemDetail;
import org.springframework.http.ResponseEntity;
import org.springframework.stereotype.Component;

/**
 * Builds RFC 9457 problem details for API callers and error pages for people, from one message key,
 * so the two never say different things.
 */
@Component
public class ProblemResponses {

    private final MessageSource messages;

    public ProblemResponses(MessageSource messages) {
        this.messages = messages;
    }

    public static boolean wantsJson(HttpServletRequest request) {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (path.startsWith("/api/")
                || path.startsWith("/ledger/")
                || path.startsWith("/actuator/")
                || path.startsWith("/dsp/")) {
            return true;
        }
        String accept = request.getHeader("Accept");
        return accept != null
                && (accept.contains("application/json") || accept.contains("application/problem+json"))
                && !accept.contains("text/html");
    }

    public ProblemDetail problem(
            HttpStatus status, String messageKey, Object[] args, Locale locale, HttpServletRequest request) {
        ProblemDetail problem = ProblemDetail.forStatus(status);
        problem.setType(URI.create("https://datafloor.vn/problems/" + messageKey.replace('.', '-')));
        problem.setTitle(status.getReasonPhrase());
        problem.setDetail(messages.getMessage(messageKey, args, messageKey, locale));
        problem.setInstance(URI.create(request.getRequestURI()));
        return problem;
    }

    public ResponseEntity<ProblemDetail> entity(ProblemDetail problem) {
        return ResponseEntity.status(problem.getStatus())
                .contentType(MediaType.APPLICATION_PROBLEM_JSON)
                .body(problem);
    }

    public String message(String key, Object[] args, Locale locale) {
        return messages.getMessage(key, args, key, locale);
    }

    /**
     * Does a page's change and redirects to {@code target} with a flash message: the success text, or
     * the problem's explanation when the change was refused.
     */
    public String redirectAfter(
            org.springframework.web.servlet.mvc.support.RedirectAttributes flash,
            Locale locale,
            String successKey,
            String target,
            Runnable change) {
        try {
            change.run();
            flash.addFlashAttribute("success", message(successKey, new Object[0], locale));
        } catch (ProblemException e) {
            flash.addFlashAttribute("error", message(e.messageKey(), e.messageArgs(), locale));
        }
        return "redirect:" + target;
    }
}
