package vn.datafloor.server.catalog;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import org.springframework.http.CacheControl;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MimeTypeUtils;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RestController;
import vn.datafloor.server.authz.Action;
import vn.datafloor.server.authz.Permit;

/**
 * The public catalog in DCAT-AP 3 for harvesters: {@code /catalog} by content negotiation (its HTML
 * page is another handler of the same path, chosen for browsers), and stable file-like URLs that
 * answer in their own syntax whatever the Accept header says. See docs/dcat.md.
 */
@RestController
@Permit(Action.VIEW_PUBLIC)
@Tag(name = "Catalog export", description = "The public catalog in DCAT-AP 3: Turtle and JSON-LD")
class CatalogExportController {

    static final String TURTLE = "text/turtle";
    static final String JSON_LD = "application/ld+json";
    private static final CacheControl CACHE =
            CacheControl.maxAge(DcatExport.MAX_AGE).cachePublic();

    private final DcatExport export;

    CatalogExportController(DcatExport export) {
        this.export = export;
    }

    /**
     * One handler for both RDF types: two handlers would be equally good for {@code Accept: *}{@code /*}
     * and Spring would refuse the request as ambiguous. Only these two types match, so a browser asking
     * for HTML reaches the catalog page instead.
     */
    @Operation(summary = "The public catalog (DCAT-AP 3), Turtle or JSON-LD by the Accept header")
    @GetMapping(
            value = "/catalog",
            produces = {TURTLE, JSON_LD})
    ResponseEntity<byte[]> negotiated(@RequestHeader(value = HttpHeaders.ACCEPT, required = false) String accept) {
        return respond(negotiate(accept), true);
    }

    @Operation(
            summary = "The public catalog (DCAT-AP 3) in Turtle",
            responses = @ApiResponse(responseCode = "200", content = @Content(mediaType = TURTLE)))
    @GetMapping("/catalog.ttl")
    ResponseEntity<byte[]> turtle() {
        return respond(DcatExport.Syntax.TURTLE, false);
    }

    @Operation(
            summary = "The public catalog (DCAT-AP 3) in JSON-LD 1.1",
            responses = @ApiResponse(responseCode = "200", content = @Content(mediaType = JSON_LD)))
    @GetMapping("/catalog.jsonld")
    ResponseEntity<byte[]> jsonLd() {
        return respond(DcatExport.Syntax.JSON_LD, false);
    }

    private ResponseEntity<byte[]> respond(DcatExport.Syntax syntax, boolean negotiated) {
        MediaType type = syntax == DcatExport.Syntax.TURTLE
                ? new MediaType("text", "turtle", StandardCharsets.UTF_8)
                : MediaType.parseMediaType(JSON_LD);
        ResponseEntity.BodyBuilder response =
                ResponseEntity.ok().cacheControl(CACHE).contentType(type);
        if (negotiated) {
            // Caches must keep the Turtle and the JSON-LD (and the HTML page) of /catalog apart.
            response.header(HttpHeaders.VARY, HttpHeaders.ACCEPT);
        }
        return response.body(export.render(syntax));
    }

    /**
     * The syntax the client prefers: the accepted types by quality, the more specific first among
     * equals (RFC 9110 §12.5.1); Turtle for a wildcard or no header.
     */
    static DcatExport.Syntax negotiate(String accept) {
        List<MediaType> accepted;
        try {
            accepted = new ArrayList<>(MediaType.parseMediaTypes(accept));
        } catch (IllegalArgumentException e) { // InvalidMediaTypeException: an unreadable header
            return DcatExport.Syntax.TURTLE;
        }
        MimeTypeUtils.sortBySpecificity(accepted);
        accepted.sort(Comparator.comparingDouble(MediaType::getQualityValue).reversed());
        List<MediaType> refused =
                accepted.stream().filter(t -> t.getQualityValue() == 0).toList();
        for (MediaType type : accepted) {
            for (DcatExport.Syntax syntax : DcatExport.Syntax.values()) {
                MediaType offered = MediaType.parseMediaType(syntax.mediaType());
                if (type.getQualityValue() > 0
                        && type.includes(offered)
                        && refused.stream().noneMatch(r -> r.includes(offered))) {
                    return syntax;
                }
            }
        }
        return DcatExport.Syntax.TURTLE;
    }
}
