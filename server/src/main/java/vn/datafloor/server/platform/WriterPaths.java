package vn.datafloor.server.platform;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import org.springframework.http.server.PathContainer;
import org.springframework.web.util.pattern.PathPattern;
import org.springframework.web.util.pattern.PathPatternParser;

/**
 * The paths only the writer serves, where several processes run (docs/deployment.md): those that write
 * the lake or the writer's own files (uploads into the inboxes or straight into the catalog, pipeline
 * and register runs, harvests, export files, a pulled transfer's import) and the ledger's operator
 * actions (verification, a checkpoint on demand). The load balancer sends them to the writer; an API replica answers them with
 * 421 Misdirected Request, so that a wrong route is seen at once rather than writing where no other
 * process reads. The Kubernetes ingress is checked against this list (DeploymentFilesTest).
 */
public final class WriterPaths extends HttpFilter {

    /** In Spring's path pattern syntax: {@code *} one segment, {@code **} the rest. */
    public static final List<String> PATTERNS = List.of(
            "/integration",
            "/integration/**",
            "/api/pipelines",
            "/api/pipelines/**",
            "/api/runs",
            "/api/runs/**",
            "/api/sources",
            "/api/sources/**",
            "/api/source-kinds",
            "/api/datasets",
            "/api/datasets/**",
            "/harvest",
            "/harvest/**",
            "/api/harvest/**",
            "/register",
            "/register/**",
            "/api/register/**",
            "/access/*/exports",
            "/api/access/*/exports",
            "/api/access/exports/**",
            "/dataspace/transfers/*/import",
            "/api/dsp/transfers/*/import",
            "/api/ledger/verify",
            "/api/ledger/checkpoints",
            "/catalog/upload",
            "/api/catalog/uploads");

    private static final List<PathPattern> PARSED =
            PATTERNS.stream().map(PathPatternParser.defaultInstance::parse).toList();

    private final boolean replica;

    WriterPaths(ClusterNode node) {
        this.replica = !node.writes();
    }

    /** Whether the writer alone serves {@code path} (the request's path within the application). */
    public static boolean writerOnly(String path) {
        PathContainer container = PathContainer.parsePath(path);
        return PARSED.stream().anyMatch(p -> p.matches(container));
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String path = request.getRequestURI().substring(request.getContextPath().length());
        if (!replica || !writerOnly(path)) {
            chain.doFilter(request, response);
            return;
        }
        response.setStatus(421);
        response.setContentType("application/problem+json");
        response.setCharacterEncoding(StandardCharsets.UTF_8.name());
        response.getWriter()
                .write(
                        "{\"type\":\"https://datafloor.vn/problems/node-writerPath\",\"title\":\"Misdirected Request\",\"status\":421,"
                                + "\"messageKey\":\"node.writerPath\",\"detail\":\"This path is served by the writer node. "
                                + "Route it to the writer (docs/deployment.md lists the paths).\"}");
    }
}
