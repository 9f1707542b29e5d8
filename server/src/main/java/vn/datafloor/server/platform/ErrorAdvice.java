package vn.datafloor.server.platform;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.http.HttpStatus;
import org.springframework.http.ProblemDetail;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.validation.BindException;
import org.springframework.web.HttpMediaTypeNotSupportedException;
import org.springframework.web.HttpRequestMethodNotSupportedException;
import org.springframework.web.bind.MissingServletRequestParameterException;
import org.springframework.web.bind.annotation.ControllerAdvice;
import org.springframework.web.bind.annotation.ExceptionHandler;
import org.springframework.web.method.annotation.MethodArgumentTypeMismatchException;
import org.springframework.web.servlet.ModelAndView;
import org.springframework.web.servlet.resource.NoResourceFoundException;
import vn.datafloor.server.authz.NotPermittedException;

/**
 * Every failure becomes a clear answer: problem+json for API callers, an error page for people.
 * Never a stack trace in an answer. What is logged: a client error (4xx, the caller's input) at most
 * one DEBUG line, with no stack trace and no value the caller sent (the handler's path pattern, not
 * the URI); an unexpected error (5xx) its stack once, with a reference that the answer carries too,
 * so the person can quote it and the operator find it.
 */
@ControllerAdvice
class ErrorAdvice {

    private static final Logger log = LoggerFactory.getLogger(ErrorAdvice.class);

    private final ProblemResponses problems;

    ErrorAdvice(ProblemResponses problems) {
        this.problems = problems;
    }

    @ExceptionHandler(ProblemException.class)
    Object problem(ProblemException e, HttpServletRequest request, HttpServletResponse response, Locale locale) {
        e.headers().forEach(response::setHeader);
        if (e.status().is4xxClientError()) {
            clientError(e.status(), e.messageKey(), e, request);
        }
        Object answer = respond(e.status(), e.messageKey(), e.messageArgs(), request, response, locale);
        if (answer instanceof org.springframework.http.ResponseEntity<?> entity
                && entity.getBody() instanceof ProblemDetail problem) {
            e.extensions().forEach(problem::setProperty);
        }
        return answer;
    }

    @ExceptionHandler(NotPermittedException.class)
    Object notPermitted(
            NotPermittedException e, HttpServletRequest request, HttpServletResponse response, Locale locale) {
        return switch (e.decision()) {
            case UNAUTHENTICATED -> wantsJsonOrRedirect(request, response, locale);
            case HIDDEN -> respond(HttpStatus.NOT_FOUND, "error.notFound", new Object[0], request, response, locale);
            default -> respond(HttpStatus.FORBIDDEN, "error.forbidden", new Object[0], request, response, locale);
        };
    }

    private Object wantsJsonOrRedirect(HttpServletRequest request, HttpServletResponse response, Locale locale) {
        if (ProblemResponses.wantsJson(request)) {
            response.setHeader(org.springframework.http.HttpHeaders.WWW_AUTHENTICATE, "Bearer");
            return respond(HttpStatus.UNAUTHORIZED, "error.unauthenticated", new Object[0], request, response, locale);
        }
        return new ModelAndView("redirect:/login");
    }

    @ExceptionHandler({
        MissingServletRequestParameterException.class,
        MethodArgumentTypeMismatchException.class,
        HttpMessageNotReadableException.class,
        BindException.class,
        IllegalArgumentException.class
    })
    Object badInput(Exception e, HttpServletRequest request, HttpServletResponse response, Locale locale) {
        clientError(HttpStatus.BAD_REQUEST, "error.badRequest", e, request);
        return respond(HttpStatus.BAD_REQUEST, "error.badRequest", new Object[0], request, response, locale);
    }

    @ExceptionHandler(HttpRequestMethodNotSupportedException.class)
    Object wrongMethod(Exception e, HttpServletRequest request, HttpServletResponse response, Locale locale) {
        return respond(
                HttpStatus.METHOD_NOT_ALLOWED, "error.methodNotAllowed", new Object[0], request, response, locale);
    }

    @ExceptionHandler(HttpMediaTypeNotSupportedException.class)
    Object wrongMediaType(Exception e, HttpServletRequest request, HttpServletResponse response, Locale locale) {
        return respond(HttpStatus.UNSUPPORTED_MEDIA_TYPE, "error.mediaType", new Object[0], request, response, locale);
    }

    @ExceptionHandler(org.springframework.web.multipart.MaxUploadSizeExceededException.class)
    Object tooLarge(Exception e, HttpServletRequest request, HttpServletResponse response, Locale locale) {
        clientError(HttpStatus.PAYLOAD_TOO_LARGE, "error.tooLarge", e, request);
        return respond(HttpStatus.PAYLOAD_TOO_LARGE, "error.tooLarge", new Object[0], request, response, locale);
    }

    @ExceptionHandler({
        org.springframework.web.multipart.support.MissingServletRequestPartException.class,
        org.springframework.web.multipart.MultipartException.class
    })
    Object badMultipart(Exception e, HttpServletRequest request, HttpServletResponse response, Locale locale) {
        clientError(HttpStatus.BAD_REQUEST, "error.badRequest", e, request);
        return respond(HttpStatus.BAD_REQUEST, "error.badRequest", new Object[0], request, response, locale);
    }

    @ExceptionHandler(NoResourceFoundException.class)
    Object noResource(Exception e, HttpServletRequest request, HttpServletResponse response, Locale locale) {
        return respond(HttpStatus.NOT_FOUND, "error.notFound", new Object[0], request, response, locale);
    }

    @ExceptionHandler(Exception.class)
    Object unexpected(Exception e, HttpServletRequest request, HttpServletResponse response, Locale locale) {
        String reference = UnexpectedErrors.reference();
        log.error(
                "Unexpected error on {} {}, reference {}",
                request.getMethod(),
                pattern(request),
                reference,
                UnexpectedErrors.loggable(e));
        Object answer = respond(
                HttpStatus.INTERNAL_SERVER_ERROR,
                "error.unexpected",
                new Object[] {reference},
                request,
                response,
                locale);
        if (answer instanceof org.springframework.http.ResponseEntity<?> entity
                && entity.getBody() instanceof ProblemDetail problem) {
            problem.setProperty("reference", reference);
        }
        return answer;
    }

    /** One line, no stack trace, no value from the request: the method, the handler's path pattern, the status, the kind. */
    private static void clientError(HttpStatus status, String key, Exception e, HttpServletRequest request) {
        if (log.isDebugEnabled()) {
            log.debug(
                    "Client error {} {} on {} {} ({})",
                    status.value(),
                    key,
                    request.getMethod(),
                    pattern(request),
                    e.getClass().getSimpleName());
        }
    }

    /** The mapping's pattern ("/api/catalog/{slug}"), never the URI a caller typed. */
    private static String pattern(HttpServletRequest request) {
        Object pattern =
                request.getAttribute(org.springframework.web.servlet.HandlerMapping.BEST_MATCHING_PATTERN_ATTRIBUTE);
        return pattern == null ? "(no handler)" : pattern.toString();
    }

    private Object respond(
            HttpStatus status,
            String key,
            Object[] args,
            HttpServletRequest request,
            HttpServletResponse response,
            Locale locale) {
        ProblemDetail problem = problems.problem(status, key, args, locale, request);
        if (ProblemResponses.wantsJson(request)) {
            return problems.entity(problem);
        }
        response.setStatus(status.value());
        ModelAndView page = new ModelAndView("error");
        page.setStatus(status);
        page.addObject("status", status.value());
        page.addObject("message", problem.getDetail());
        return page;
    }
}
