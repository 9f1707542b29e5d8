package vn.datafloor.server;

import static org.springframework.security.test.web.servlet.request.SecurityMockMvcRequestPostProcessors.csrf;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.post;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Instant;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.TestConfiguration;
import org.springframework.boot.webmvc.test.autoconfigure.AutoConfigureMockMvc;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.context.annotation.Primary;
import org.springframework.mock.web.MockHttpSession;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.MvcResult;
import vn.datafloor.server.demo.DemoData;

/**
 * The whole application on the embedded default (H2 file database, real ledger) in a fresh data
 * directory, with the demo world loaded. Subclasses share one application context.
 */
@SpringBootTest(
        properties = {
            "datafloor.demo=true",
            "datafloor.demo.people=1500",
            "datafloor.integration.max-upload-bytes=2097152",
            "datafloor.ledger.checkpoint-interval=PT1H",
            "datafloor.login.ip-max-failures-per-minute=1000",
            // A proxy whose forwarding headers are believed (a documentation address: MockMvc only, no traffic).
            "datafloor.trusted-proxies=" + PlatformTest.TRUSTED_PROXY
        })
@AutoConfigureMockMvc
@Import(PlatformTest.TestClock.class)
public abstract class PlatformTest {

    protected static final Path DATA_DIR = createDataDir();

    /** The one proxy the test platform trusts; see {@code datafloor.trusted-proxies}. */
    protected static final String TRUSTED_PROXY = "192.0.2.10";

    @Autowired
    protected MockMvc mvc;

    @Autowired
    protected MutableClock clock;

    @DynamicPropertySource
    static void dataDirectory(DynamicPropertyRegistry registry) {
        registry.add("datafloor.data-dir", DATA_DIR::toString);
    }

    private static Path createDataDir() {
        try {
            return Files.createTempDirectory("datafloor-test-");
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @TestConfiguration(proxyBeanMethods = false)
    static class TestClock {
        @Bean
        @Primary
        MutableClock mutableClock() {
            return new MutableClock(Instant.now());
        }
    }

    /** Signs in through the real login form and returns the session. */
    protected MockHttpSession login(String username) throws Exception {
        return login(username, DemoData.PASSWORD);
    }

    protected MockHttpSession login(String username, String password) throws Exception {
        MvcResult result = mvc.perform(post("/login")
                        .param("username", username)
                        .param("password", password)
                        .with(csrf()))
                .andReturn();
        String target = result.getResponse().getRedirectedUrl();
        if (target == null || target.contains("/login")) {
            throw new AssertionError("login of " + username + " failed: redirected to " + target);
        }
        return (MockHttpSession) result.getRequest().getSession(false);
    }

    protected Clock clock() {
        return clock;
    }
}
