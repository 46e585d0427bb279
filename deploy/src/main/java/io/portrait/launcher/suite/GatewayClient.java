package io.portrait.launcher.suite;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;

/** The few gateway calls the launcher and the benchmarks make, over plain HTTP like any front end. */
public final class GatewayClient {

    public record Answer(int status, JsonNode body) {
    }

    private static final long POLL_MILLIS = 250;

    private final String baseUrl;
    private final String apiKey;
    private final HttpClient http;
    private final ObjectMapper mapper = new ObjectMapper();

    /** @param apiKey sent as X-API-Key on every call */
    public GatewayClient(String baseUrl, String apiKey) {
        this.baseUrl = baseUrl;
        this.apiKey = apiKey;
        this.http = HttpClient.newBuilder()
                .version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5))
                .build();
    }

    public String baseUrl() {
        return baseUrl;
    }

    public Answer postEvents(List<? extends JsonNode> events, boolean wait) {
        ObjectNode batch = mapper.createObjectNode();
        batch.putArray("events").addAll(events.stream().map(JsonNode.class::cast).toList());
        return send(HttpRequest.newBuilder(URI.create(baseUrl + "/v1/events" + (wait ? "?wait=true" : "")))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(batch.toString())));
    }

    /** A new API key of the caller's workspace; needs keys:admin. */
    public Answer createKey(String name, List<String> scopes, int rateLimit) {
        return createKey(name, scopes, rateLimit, null);
    }

    /** A new API key of {@code workspace} (the caller's when null); another workspace needs a default-workspace admin. */
    public Answer createKey(String name, List<String> scopes, int rateLimit, String workspace) {
        ObjectNode body = mapper.createObjectNode();
        body.put("name", name);
        body.putArray("scopes").addAll(scopes.stream().map(mapper.getNodeFactory()::textNode).toList());
        body.put("rateLimit", rateLimit);
        if (workspace != null) {
            body.put("workspace", workspace);
        }
        return post("/v1/keys", body);
    }

    /** POSTs an empty JSON object, as commands such as publish, refresh and refit take. */
    public Answer post(String path) {
        return post(path, mapper.createObjectNode());
    }

    /** POSTs a JSON body to a path of the gateway, e.g. {@code /v1/tags}. */
    public Answer post(String path, JsonNode body) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", "application/json")
                .POST(HttpRequest.BodyPublishers.ofString(body.toString())));
    }

    /** PUTs bytes as they are, such as a chunk of an import file. */
    public Answer put(String path, byte[] body, String contentType) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path))
                .header("Content-Type", contentType)
                .PUT(HttpRequest.BodyPublishers.ofByteArray(body)));
    }

    public Answer get(String path) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET());
    }

    /** An answer whose body is text rather than JSON (a CSV report), or a problem as its JSON text. */
    public record Text(int status, String body) {
    }

    /** GETs a text body whole, such as an import's reject report; for bodies of a bounded size. */
    public Text text(String path) {
        HttpResponse<String> response = exchange(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET(),
                HttpResponse.BodyHandlers.ofString(StandardCharsets.UTF_8));
        return new Text(response.statusCode(), response.body());
    }

    /** A streamed GET (an export) read to its end: its status, lines and bytes. */
    public record Lines(int status, long lines, long bytes) {
    }

    /** GETs a text body such as a CSV or NDJSON export and counts it as it arrives, without holding it. */
    public Lines lines(String path) {
        HttpResponse<InputStream> response = exchange(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET(),
                HttpResponse.BodyHandlers.ofInputStream());
        long lines = 0;
        long bytes = 0;
        byte[] buffer = new byte[64 * 1024];
        try (InputStream body = response.body()) {
            for (int read; (read = body.read(buffer)) > 0; ) {
                bytes += read;
                for (int i = 0; i < read; i++) {
                    if (buffer[i] == '\n') {
                        lines++;
                    }
                }
            }
        } catch (IOException e) {
            throw new UncheckedIOException("reading " + path + " failed: " + e.getMessage(), e);
        }
        return new Lines(response.statusCode(), lines, bytes);
    }

    /** The status of a GET, whatever its body is (JSON, CSV, NDJSON). */
    public int status(String path) {
        return exchange(HttpRequest.newBuilder(URI.create(baseUrl + path)).GET(), HttpResponse.BodyHandlers.discarding())
                .statusCode();
    }

    /**
     * Reads {@code GET /v1/delivery} until nothing of the caller's workspace waits for its profile or for the given
     * sinks (every sink when none is given), at most {@code timeout}; answers how many are still on their way, 0 when
     * delivered. Dead letters are not on their way: they wait for a replay.
     */
    public long awaitDelivered(Duration timeout, String... sinks) {
        long deadline = System.nanoTime() + timeout.toNanos();
        try {
            while (true) {
                Answer answer = get("/v1/delivery");
                if (answer.status() != 200) {
                    throw new IllegalStateException("delivery status: the gateway answered " + answer.status() + ": "
                            + answer.body());
                }
                long behind = behind(answer.body(), Set.of(sinks));
                if (behind == 0 || System.nanoTime() >= deadline) {
                    return behind;
                }
                Thread.sleep(POLL_MILLIS);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for delivery", e);
        }
    }

    /** Events waiting for their profile plus the entries the given sinks (all when empty) have still to apply. */
    static long behind(JsonNode status, Set<String> sinks) {
        long behind = status.path("resolving").asLong();
        for (JsonNode sink : status.path("sinks")) {
            if (sinks.isEmpty() || sinks.contains(sink.path("sink").asText())) {
                behind += sink.path("pending").asLong();
            }
        }
        return behind;
    }

    public Answer lookup(String type, String value) {
        return send(HttpRequest.newBuilder(URI.create(baseUrl + "/v1/profiles/lookup?type="
                + encode(type) + "&value=" + encode(value))).GET());
    }

    public String lookupUrl(String type, String value) {
        return baseUrl + "/v1/profiles/lookup?type=" + encode(type) + "&value=" + encode(value);
    }

    private Answer send(HttpRequest.Builder request) {
        HttpResponse<String> response = exchange(request, HttpResponse.BodyHandlers.ofString());
        String body = response.body();
        try {
            return new Answer(response.statusCode(), body == null || body.isEmpty() ? null : mapper.readTree(body));
        } catch (IOException e) {
            throw new UncheckedIOException("gateway answered " + response.statusCode() + " with a body that is not JSON", e);
        }
    }

    private <T> HttpResponse<T> exchange(HttpRequest.Builder request, HttpResponse.BodyHandler<T> body) {
        try {
            return http.send(request.timeout(Duration.ofSeconds(60)).header("X-API-Key", apiKey).build(), body);
        } catch (IOException e) {
            // A refused connection says nothing but its class.
            throw new UncheckedIOException("gateway call failed: "
                    + (e.getMessage() != null ? e.getMessage() : e.getClass().getSimpleName()), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted", e);
        }
    }

    private static String encode(String value) {
        return URLEncoder.encode(value, StandardCharsets.UTF_8);
    }
}
