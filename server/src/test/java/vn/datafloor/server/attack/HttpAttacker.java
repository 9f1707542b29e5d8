package vn.datafloor.server.attack;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * What an attacker has: an HTTP client and nothing else. Signs in through the real login form (its
 * CSRF token, its session cookie), keeps cookies by hand so that nothing is shared between
 * "browsers", mints API keys through the API, and calls the API with them. Never follows redirects:
 * where a redirect points is part of what the tests compare.
 */
final class HttpAttacker {

    static final JsonMapper JSON = JsonMapper.builder().build();

    private static final Pattern FORM_CSRF = Pattern.compile("name=\"_csrf\"\\s+value=\"([^\"]+)\"");
    private static final Pattern META_CSRF_HEADER = Pattern.compile("<meta name=\"csrf-header\" content=\"([^\"]+)\"");
    private static final Pattern META_CSRF_TOKEN = Pattern.compile("<meta name=\"csrf-token\" content=\"([^\"]+)\"");

    private final String base;
    private final HttpClient client = HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_1_1)
            .followRedirects(HttpClient.Redirect.NEVER)
            .connectTimeout(Duration.ofSeconds(10))
            .build();

    HttpAttacker(String base) {
        this.base = base;
    }

    String base() {
        return base;
    }

    /** One answer: status, headers and the body as text. */
    record Response(int status, HttpHeaders headers, String body) {
        Optional<String> header(String name) {
            return headers.firstValue(name);
        }

        String contentType() {
            return header("Content-Type").orElse("");
        }

        JsonNode json() {
            return JSON.readTree(body);
        }

        boolean ok() {
            return status / 100 == 2;
        }

        boolean clientError() {
            return status / 100 == 4;
        }

        @Override
        public String toString() {
            return "HTTP " + status;
        }
    }

    /** A browser's cookie jar and the CSRF token its pages carry. */
    static final class Session {
        final String username;
        final Map<String, String> cookies = new LinkedHashMap<>();
        String csrfHeader = "X-CSRF-TOKEN";
        String csrfToken;

        Session(String username) {
            this.username = username;
        }

        String cookieHeader() {
            List<String> pairs = new ArrayList<>();
            cookies.forEach((name, value) -> pairs.add(name + "=" + value));
            return String.join("; ", pairs);
        }

        void remember(HttpHeaders headers) {
            for (String setCookie : headers.allValues("Set-Cookie")) {
                String pair = setCookie.split(";", 2)[0];
                int eq = pair.indexOf('=');
                if (eq > 0) {
                    cookies.put(
                            pair.substring(0, eq).strip(),
                            pair.substring(eq + 1).strip());
                }
            }
        }
    }

    // ------------------------------------------------------------------ plain requests

    Response send(HttpRequest.Builder request) {
        return send(request, Duration.ofSeconds(180));
    }

    /** Sends and reads the whole answer; an answer slower than {@code timeout} is an {@link UncheckedIOException}. */
    Response send(HttpRequest.Builder request, Duration timeout) {
        try {
            HttpResponse<String> response = client.send(
                    request.timeout(timeout).build(), HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
            return new Response(response.statusCode(), response.headers(), response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(
                    "The server did not answer " + request.build().uri().getPath(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    HttpRequest.Builder request(String pathAndQuery) {
        return HttpRequest.newBuilder(URI.create(base + pathAndQuery));
    }

    Response get(String pathAndQuery, String... headers) {
        HttpRequest.Builder request = request(pathAndQuery).GET();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request);
    }

    Response postJson(String pathAndQuery, String json, String... headers) {
        HttpRequest.Builder request = request(pathAndQuery)
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(json));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        return send(request);
    }

    // ------------------------------------------------------------------ sessions

    /** A fresh browser that has opened the sign-in page: a session cookie and the form's CSRF token. */
    Session openLoginPage(String... headers) {
        Session session = new Session(null);
        HttpRequest.Builder request = request("/login").GET();
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        Response page = send(request);
        if (page.status() != 200) {
            throw new IllegalStateException("The sign-in page answered " + page.status());
        }
        session.remember(page.headers());
        session.csrfToken = find(FORM_CSRF, page.body())
                .orElseThrow(() -> new IllegalStateException("The sign-in form carries no _csrf field"));
        return session;
    }

    /** Posts the sign-in form as a browser would; the answer is the redirect, not followed. */
    Response submitLogin(Session session, String username, String password, String... headers) {
        String form = "username=" + encode(username) + "&password=" + encode(password) + "&_csrf="
                + encode(session.csrfToken);
        HttpRequest.Builder request = request("/login")
                .header("Content-Type", "application/x-www-form-urlencoded")
                .header("Cookie", session.cookieHeader())
                .POST(HttpRequest.BodyPublishers.ofString(form));
        for (int i = 0; i + 1 < headers.length; i += 2) {
            request.header(headers[i], headers[i + 1]);
        }
        Response answer = send(request);
        session.remember(answer.headers());
        return answer;
    }

    /** Signs in through the form and reads the CSRF token of the first page, as htmx would. */
    Session signIn(String username, String password) {
        Session session = openLoginPage();
        Response answer = submitLogin(session, username, password);
        String location = answer.header("Location").orElse("");
        if (answer.status() != 302 || location.contains("/login")) {
            throw new IllegalStateException(
                    "Could not sign in as " + username + ": HTTP " + answer.status() + " to " + location);
        }
        Session signedIn = new Session(username);
        signedIn.cookies.putAll(session.cookies);
        Response page = get(path(location), "Cookie", signedIn.cookieHeader());
        signedIn.remember(page.headers());
        if (page.status() != 200) {
            throw new IllegalStateException("After sign-in, " + location + " answered " + page.status());
        }
        signedIn.csrfHeader = find(META_CSRF_HEADER, page.body()).orElse("X-CSRF-TOKEN");
        signedIn.csrfToken = find(META_CSRF_TOKEN, page.body())
                .orElseThrow(() -> new IllegalStateException("The page after sign-in carries no CSRF token"));
        return signedIn;
    }

    /** A JSON call with the session's cookie, and its CSRF token in the header unless {@code withCsrfHeader} is false. */
    Response sessionJson(Session session, String method, String pathAndQuery, String json, boolean withCsrfHeader) {
        HttpRequest.Builder request = request(pathAndQuery)
                .header("Cookie", session.cookieHeader())
                .header("Accept", "application/json")
                .method(
                        method,
                        json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        if (withCsrfHeader) {
            request.header(session.csrfHeader, session.csrfToken);
        }
        Response answer = send(request);
        session.remember(answer.headers());
        return answer;
    }

    /** Mints an API key for the signed-in person; returns the token, shown once. */
    String mintKey(Session session, String name, String... scopes) {
        StringBuilder json = new StringBuilder("{\"name\":").append(quote(name)).append(",\"days\":1,\"scopes\":[");
        for (int i = 0; i < scopes.length; i++) {
            json.append(i == 0 ? "" : ",").append(quote(scopes[i]));
        }
        Response created =
                sessionJson(session, "POST", "/api/api-keys", json.append("]}").toString(), true);
        if (created.status() != 201) {
            throw new IllegalStateException("Could not mint a key for " + session.username + ": HTTP "
                    + created.status() + " " + created.body());
        }
        return created.json().get("token").asString();
    }

    // ------------------------------------------------------------------ API keys

    Response bearer(String token, String method, String pathAndQuery, String json) {
        HttpRequest.Builder request = request(pathAndQuery)
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json")
                .method(
                        method,
                        json == null ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(json));
        if (json != null) {
            request.header("Content-Type", "application/json");
        }
        return send(request);
    }

    /** A multipart upload: text fields and one file. */
    Response bearerMultipart(
            String token,
            String pathAndQuery,
            Map<String, String> fields,
            String fileField,
            String filename,
            byte[] content) {
        return bearerMultipart(token, pathAndQuery, fields, fileField, filename, content, Duration.ofSeconds(180));
    }

    Response bearerMultipart(
            String token,
            String pathAndQuery,
            Map<String, String> fields,
            String fileField,
            String filename,
            byte[] content,
            Duration timeout) {
        String boundary = "----datafloor-attack-" + UUID.randomUUID();
        List<byte[]> parts = new ArrayList<>();
        fields.forEach((name, value) -> parts.add(
                ("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + name + "\"\r\n\r\n" + value + "\r\n")
                        .getBytes(StandardCharsets.UTF_8)));
        parts.add(("--" + boundary + "\r\nContent-Disposition: form-data; name=\"" + fileField + "\"; filename=\""
                        + filename + "\"\r\nContent-Type: application/octet-stream\r\n\r\n")
                .getBytes(StandardCharsets.UTF_8));
        parts.add(content);
        parts.add(("\r\n--" + boundary + "--\r\n").getBytes(StandardCharsets.UTF_8));
        HttpRequest.Builder request = request(pathAndQuery)
                .header("Authorization", "Bearer " + token)
                .header("Accept", "application/json")
                .header("Content-Type", "multipart/form-data; boundary=" + boundary)
                .POST(HttpRequest.BodyPublishers.ofByteArrays(parts));
        return send(request, timeout);
    }

    // ------------------------------------------------------------------ helpers

    static String quote(String text) {
        return JSON.writeValueAsString(text);
    }

    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8);
    }

    /** The path and query of a Location header, whether absolute or not. */
    static String path(String location) {
        if (location.startsWith("http://") || location.startsWith("https://")) {
            URI uri = URI.create(location);
            return uri.getRawPath() + (uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery());
        }
        return location;
    }

    /** A field of a JSON object as text: null when absent or null, the JSON text of containers. */
    static String text(JsonNode node, String field) {
        JsonNode value = node == null ? null : node.get(field);
        if (value == null || value.isNull() || value.isMissingNode()) {
            return null;
        }
        return value.isValueNode() ? value.asString() : value.toString();
    }

    private static Optional<String> find(Pattern pattern, String text) {
        Matcher m = pattern.matcher(text);
        return m.find() ? Optional.of(m.group(1)) : Optional.empty();
    }
}
