package vn.datafloor.server.platform;

import jakarta.servlet.http.HttpServletRequest;
import java.util.IdentityHashMap;
import java.util.Map;
import org.springframework.web.method.HandlerMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.ServletRequestPathUtils;

/**
 * The application's request mappings, each first tested by the literal start of its path patterns.
 *
 * <p>Why: a path with a variable ({@code /api/access/7/rows}) has no direct entry, so Spring tests
 * every one of the application's mappings in turn — methods, then headers, then the path pattern —
 * through several layers of request wrappers. Measured under the access benchmark's load, that lookup
 * was 17% of a delivery's request-thread CPU. A mapping whose every pattern starts with a literal the
 * path does not start with cannot match, so it is passed over after one {@code startsWith}.
 *
 * <p>The test only ever passes over a mapping that could not match: it is skipped (the full test
 * runs) for a path holding {@code %} or {@code ;}, whose decoded segments or matrix variables a
 * pattern may match though the raw text differs, and for a mapping with no parsed path patterns or
 * an empty one. {@code LiteralPrefixRequestMappingsTest} checks it answers as Spring's own does.
 */
final class LiteralPrefixRequestMappings extends RequestMappingHandlerMapping {

    /**
     * Per mapping (by identity), the literal start of each of its patterns; absent: not yet computed.
     * Copied on write: a mapping is added once, on its first lookup, and every later lookup only reads.
     * (A {@code ConcurrentHashMap} hashed and compared each {@code RequestMappingInfo} on every test.)
     */
    private volatile Map<RequestMappingInfo, String[]> prefixes = new IdentityHashMap<>();

    /**
     * The plain path of the lookup this thread is making, set for the length of {@link #lookupHandlerMethod}:
     * Spring tests every mapping in turn for one request, and reading the parsed path through the
     * request's wrappers for each of them cost more than the tests themselves.
     */
    private final ThreadLocal<String> lookingUp = new ThreadLocal<>();

    private static final String[] NO_SHORTCUT = new String[0];

    @Override
    protected HandlerMethod lookupHandlerMethod(String lookupPath, HttpServletRequest request) throws Exception {
        String path = plainPath(request);
        if (path == null) {
            return super.lookupHandlerMethod(lookupPath, request);
        }
        lookingUp.set(path);
        try {
            return super.lookupHandlerMethod(lookupPath, request);
        } finally {
            lookingUp.remove();
        }
    }

    @Override
    protected RequestMappingInfo getMatchingMapping(RequestMappingInfo info, HttpServletRequest request) {
        return getMatchingMapping(info, request, lookingUp.get());
    }

    /** Spring's test of {@code info}, after the literal-start test when {@code path} is the request's plain path. */
    RequestMappingInfo getMatchingMapping(RequestMappingInfo info, HttpServletRequest request, String path) {
        if (path != null) {
            String[] starts = startsOf(info);
            if (starts != NO_SHORTCUT && !startsWithAny(path, starts)) {
                return null;
            }
        }
        return super.getMatchingMapping(info, request);
    }

    private String[] startsOf(RequestMappingInfo info) {
        String[] starts = prefixes.get(info);
        if (starts == null) {
            starts = literalStarts(info);
            synchronized (this) {
                Map<RequestMappingInfo, String[]> more = new IdentityHashMap<>(prefixes);
                more.put(info, starts);
                prefixes = more;
            }
        }
        return starts;
    }

    /** The path within the application when it is plain text (no escapes, no matrix variables), else null. */
    static String plainPath(HttpServletRequest request) {
        if (!ServletRequestPathUtils.hasParsedRequestPath(request)) {
            return null;
        }
        String path = ServletRequestPathUtils.getParsedRequestPath(request)
                .pathWithinApplication()
                .value();
        return path.indexOf('%') >= 0 || path.indexOf(';') >= 0 ? null : path;
    }

    static String[] literalStarts(RequestMappingInfo info) {
        if (info.getPathPatternsCondition() == null) {
            return NO_SHORTCUT;
        }
        var patterns = info.getPatternValues();
        if (patterns.isEmpty()) {
            return NO_SHORTCUT;
        }
        String[] starts = new String[patterns.size()];
        int i = 0;
        for (String pattern : patterns) {
            int end = pattern.length();
            for (char special : new char[] {'{', '*', '?'}) {
                int at = pattern.indexOf(special);
                if (at >= 0 && at < end) {
                    end = at;
                }
            }
            boolean restOfPath = end < pattern.length()
                    && end + 1 < pattern.length()
                    && pattern.charAt(end + 1) == '*'
                    && (pattern.charAt(end) == '{' || pattern.charAt(end) == '*');
            if (restOfPath && end > 0 && pattern.charAt(end - 1) == '/') {
                // "/files/**" and "/files/{*rest}" match "/files" too: the separator is not required.
                end--;
            }
            if (end == 0) {
                return NO_SHORTCUT;
            }
            starts[i++] = pattern.substring(0, end);
        }
        return starts;
    }

    private static boolean startsWithAny(String path, String[] starts) {
        for (String start : starts) {
            if (path.startsWith(start)) {
                return true;
            }
        }
        return false;
    }
}
