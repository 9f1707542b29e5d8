package vn.datafloor.integration.connect;

import java.io.IOException;
import java.io.OutputStream;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.sql.SQLException;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A paged JSON API, fetched only through {@link GuardedHttp} (the organisation's {@link NetworkPolicy},
 * no redirects, a size limit per page), written as JSON Lines and read like a JSON Lines file.
 */
final class HttpConnector implements SourceConnector<HttpSettings> {

    private static final JsonMapper JSON = JsonMapper.builder().build();
    /** Largest page an HTTP API may answer with. */
    private static final long MAX_PAGE_BYTES = 64L * 1024 * 1024;

    @Override
    public String kind() {
        return "http";
    }

    @Override
    public Class<HttpSettings> settingsType() {
        return HttpSettings.class;
    }

    @Override
    public List<Setting> settings() {
        return List.of(
                Setting.required("url", "https://… of the first page"),
                new Setting(
                        "credential",
                        false,
                        Setting.Supply.SECRET,
                        "the bearer token: given as the source's secret at registration, sealed, never shown again"),
                Setting.optional("page_parameter", "query parameter carrying the page number; one page when not given"),
                Setting.optional(
                        "items_field", "field of the JSON answer holding the rows; the answer itself when not given"),
                Setting.optional("max_pages", "at most this many pages, 10000 when not given"),
                Setting.optional("timeout_seconds", "how long a page may take, 30 when not given"));
    }

    @Override
    public Reach reach() {
        return Reach.NETWORK;
    }

    @Override
    public HttpSettings parse(Map<String, String> values) {
        return HttpSettings.parse(values);
    }

    @Override
    public LoadedSource load(HttpSettings source, SourceLoader staging, String lastWatermark)
            throws IOException, SQLException {
        int timeout = source.timeoutSeconds();
        int maxPages = source.maxPages();
        Path lines = staging.workDirectory().resolve("source.http.jsonl");
        MessageDigest digest = SourceLoader.sha256();
        try (GuardedHttp client = new GuardedHttp(staging.network(), Duration.ofSeconds(timeout), MAX_PAGE_BYTES);
                OutputStream out = new java.io.BufferedOutputStream(Files.newOutputStream(lines), 1 << 16)) {
            for (int page = 1; page <= maxPages; page++) {
                if (staging.cancelled()) {
                    throw new SourceException("Cancelled");
                }
                String url = source.url();
                if (source.pageParameter() != null) {
                    url += (url.contains("?") ? "&" : "?") + source.pageParameter() + "=" + page;
                }
                Map<String, String> headers = new java.util.LinkedHashMap<>();
                headers.put("Accept", "application/json");
                if (source.credential() != null) {
                    headers.put("Authorization", "Bearer " + staging.secret(source.credential()));
                }
                GuardedHttp.Response response;
                URI uri;
                try {
                    uri = URI.create(url);
                } catch (IllegalArgumentException e) {
                    throw new SourceException("The API url is not a valid URL");
                }
                try {
                    response = client.get(uri, headers);
                } catch (java.net.SocketTimeoutException
                        | org.apache.hc.core5.http.ConnectionRequestTimeoutException e) {
                    throw new SourceException("The API did not answer page " + page + " within " + timeout + " s", e);
                } catch (IOException e) {
                    throw new SourceException(
                            "The API could not be reached at page " + page
                                    + "; nothing was published, run again when it is back",
                            e);
                }
                if (response.status() / 100 == 3) {
                    throw new SourceException("The API redirected page " + page
                            + " elsewhere; give the final URL (redirects are" + " not followed)");
                }
                if (response.status() / 100 != 2) {
                    throw new SourceException("The API answered HTTP " + response.status() + " for page " + page);
                }
                digest.update(response.body());
                JsonNode body;
                try {
                    body = JSON.readTree(response.body());
                } catch (RuntimeException e) {
                    throw new SourceException("The API's page " + page + " is not JSON", e);
                }
                JsonNode items = source.itemsField() == null ? body : body.get(source.itemsField());
                if (items == null || !items.isArray()) {
                    throw new SourceException("Page " + page + " has no array"
                            + (source.itemsField() == null ? "" : " in field " + source.itemsField()));
                }
                if (items.isEmpty()) {
                    break;
                }
                for (JsonNode item : items) {
                    out.write(JSON.writeValueAsBytes(item));
                    out.write('\n');
                }
                if (source.pageParameter() == null) {
                    break;
                }
            }
        }
        return staging.jsonLines(lines, HexFormat.of().formatHex(digest.digest()), List.of());
    }
}
