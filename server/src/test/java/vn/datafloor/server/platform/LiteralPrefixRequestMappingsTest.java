package vn.datafloor.server.platform;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.web.bind.annotation.RequestMethod;
import org.springframework.web.servlet.mvc.method.RequestMappingInfo;
import org.springframework.web.servlet.mvc.method.annotation.RequestMappingHandlerMapping;
import org.springframework.web.util.ServletRequestPathUtils;
import org.springframework.web.util.pattern.PathPatternParser;

/** The literal-start test passes over only mappings Spring's own test would refuse. */
class LiteralPrefixRequestMappingsTest {

    /** Spring's own matching, for comparison. */
    static final class Plain extends RequestMappingHandlerMapping {
        RequestMappingInfo match(RequestMappingInfo info, jakarta.servlet.http.HttpServletRequest request) {
            return getMatchingMapping(info, request);
        }
    }

    static final List<String> PATTERNS = List.of(
            "/api/access/{agreementId}/rows",
            "/api/access/{agreementId}",
            "/api/access",
            "/catalog/{slug}",
            "/{*rest}",
            "/api/*/rows",
            "/files/**",
            "/docs/{*rest}",
            "/",
            "/api/ledger/entries/{index:\\d+}",
            "/x?z");

    static final List<String> PATHS = List.of(
            "/api/access/7/rows",
            "/api/access/7/rows/",
            "/api/acc%65ss/7/rows",
            "/api/access;v=1/7/rows",
            "/api/access/7;v=1/rows",
            "/API/access/7/rows",
            "/api/access",
            "/api/access/",
            "/api/accessx/7/rows",
            "/api/ledger/entries/12",
            "/api/ledger/entries/x",
            "/catalog/dan-cu",
            "/files/a/b/c",
            "/files",
            "/files/",
            "/docs",
            "/docs/a",
            "/xyz",
            "/x/z",
            "/",
            "");

    @Test
    void answersAsSpringsOwnMatchingForEveryPatternAndPath() {
        RequestMappingInfo.BuilderConfiguration config = new RequestMappingInfo.BuilderConfiguration();
        config.setPatternParser(new PathPatternParser());
        LiteralPrefixRequestMappings fast = new LiteralPrefixRequestMappings();
        Plain plain = new Plain();
        int matched = 0;
        int passedOver = 0;
        for (String pattern : PATTERNS) {
            for (boolean twoPatterns : new boolean[] {false, true}) {
                RequestMappingInfo.Builder builder = twoPatterns
                        ? RequestMappingInfo.paths(pattern, "/other/{id}")
                        : RequestMappingInfo.paths(pattern);
                RequestMappingInfo info =
                        builder.methods(RequestMethod.GET).options(config).build();
                for (String path : PATHS) {
                    for (String method : List.of("GET", "POST")) {
                        MockHttpServletRequest request = new MockHttpServletRequest(method, path);
                        ServletRequestPathUtils.parseAndCache(request);
                        RequestMappingInfo expected = plain.match(info, request);
                        RequestMappingInfo actual =
                                fast.getMatchingMapping(info, request, LiteralPrefixRequestMappings.plainPath(request));
                        assertThat(actual)
                                .as("%s %s against %s", method, path, info.getPatternValues())
                                .isEqualTo(expected);
                        if (expected != null) {
                            matched++;
                        }
                        if (LiteralPrefixRequestMappings.literalStarts(info).length > 0 && expected == null) {
                            passedOver++;
                        }
                    }
                }
            }
        }
        // The comparison covered both outcomes.
        assertThat(matched).isGreaterThan(10);
        assertThat(passedOver).isGreaterThan(100);
    }

    @Test
    void theLiteralStartEndsAtTheFirstVariableOrWildcard() {
        RequestMappingInfo.BuilderConfiguration config = new RequestMappingInfo.BuilderConfiguration();
        config.setPatternParser(new PathPatternParser());
        assertThat(LiteralPrefixRequestMappings.literalStarts(RequestMappingInfo.paths("/api/access/{id}/rows", "/a/*")
                        .options(config)
                        .build()))
                .containsExactlyInAnyOrder("/api/access/", "/a/");
        // A rest-of-path pattern matches without its separator too ("/files/**" matches "/files").
        assertThat(LiteralPrefixRequestMappings.literalStarts(RequestMappingInfo.paths("/files/**", "/docs/{*rest}")
                        .options(config)
                        .build()))
                .containsExactlyInAnyOrder("/files", "/docs");
        assertThat(LiteralPrefixRequestMappings.literalStarts(
                        RequestMappingInfo.paths("/{*rest}").options(config).build()))
                .isEmpty();
    }
}
