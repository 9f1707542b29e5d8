package vn.datafloor.server.identity;

import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.function.Supplier;
import org.springframework.security.web.csrf.CsrfToken;
import org.springframework.security.web.csrf.CsrfTokenRequestHandler;
import org.springframework.security.web.csrf.XorCsrfTokenRequestAttributeHandler;

/**
 * Takes the CSRF token from the request header or from a form body, never from the URL. The servlet
 * API's {@code getParameter} mixes the query string in with the form, and a token in a URL leaks
 * through logs, history and the Referer header; so a request that carries the parameter in its query
 * string is treated as carrying no token at all. Tokens stay masked per response (BREACH), as with
 * Spring Security's default handler, which this one wraps.
 */
final class HeaderOrFormCsrfTokenHandler implements CsrfTokenRequestHandler {

    private final XorCsrfTokenRequestAttributeHandler masked = new XorCsrfTokenRequestAttributeHandler();

    @Override
    public void handle(HttpServletRequest request, HttpServletResponse response, Supplier<CsrfToken> csrfToken) {
        masked.handle(request, response, csrfToken);
    }

    @Override
    public String resolveCsrfTokenValue(HttpServletRequest request, CsrfToken csrfToken) {
        String name = csrfToken.getParameterName();
        if (inQueryString(request.getQueryString(), name)) {
            return null;
        }
        return masked.resolveCsrfTokenValue(request, csrfToken);
    }

    /** Whether a query string names the parameter, however it is percent- or plus-encoded. */
    static boolean inQueryString(String query, String name) {
        if (query == null || query.isEmpty()) {
            return false;
        }
        for (String pair : query.split("&")) {
            int equals = pair.indexOf('=');
            String key = equals < 0 ? pair : pair.substring(0, equals);
            String decoded;
            try {
                decoded = URLDecoder.decode(key, StandardCharsets.UTF_8);
            } catch (IllegalArgumentException malformed) {
                return true; // cannot tell what it names: treat it as the token, and so refuse
            }
            if (decoded.strip().equals(name)) {
                return true;
            }
        }
        return false;
    }
}
