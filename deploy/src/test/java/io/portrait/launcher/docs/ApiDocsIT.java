package io.portrait.launcher.docs;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portrait.launcher.suite.RunningSuite;
import org.junit.jupiter.api.DynamicTest;
import org.junit.jupiter.api.TestFactory;
import org.junit.jupiter.api.extension.ExtendWith;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.stream.Stream;
import java.util.Map;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Runs every request/response example of the guides in {@code docs/} against the running suite, page by page
 * (the API guide first, then the others by name) and in order within a page.
 */
@ExtendWith(RunningSuite.class)
class ApiDocsIT {

    private static final Duration READ_SETTLE = Duration.ofSeconds(15);

    private final ObjectMapper mapper = new ObjectMapper();
    private final HttpClient http = HttpClient.newHttpClient();

    @TestFactory
    List<DynamicTest> examplesHoldTrue() throws Exception {
        Path home = Path.of(System.getProperty("portrait.home", "..")).toAbsolutePath().normalize();
        List<DynamicTest> tests = new ArrayList<>();
        for (String page : pages(home)) {
            List<HttpExample> examples = HttpExample.parse(Files.readString(home.resolve(page)));
            Map<String, String> captured = new HashMap<>();
            // Every page may authenticate with the suite's admin key (every scope) as {{adminKey}}.
            captured.put("adminKey", RunningSuite.suite().adminKey());
            // ... and as {{adminKeyBasic}}, HTTP Basic credentials with the key as user name and no password, as
            // Segment's SDKs send a write key (the Segment-compatible intake).
            captured.put("adminKeyBasic", Base64.getEncoder().encodeToString(
                    (RunningSuite.suite().adminKey() + ":").getBytes(StandardCharsets.UTF_8)));
            for (HttpExample example : examples) {
                tests.add(DynamicTest.dynamicTest(page + ": " + example.requestLine(),
                        () -> check(example, captured)));
            }
        }
        assertThat(tests).as("examples in docs/api.md and the other guides").isNotEmpty();
        return tests;
    }

    private static List<String> pages(Path home) throws IOException {
        try (Stream<Path> files = Files.list(home.resolve("docs"))) {
            return files.map(file -> "docs/" + file.getFileName())
                    .filter(page -> page.endsWith(".md"))
                    .sorted(Comparator.comparing((String page) -> !page.equals("docs/api.md"))
                            .thenComparing(Comparator.naturalOrder()))
                    .toList();
        }
    }

    /**
     * Delivery from ingestion to the sinks is asynchronous, so a read may see a sink a moment behind the events an
     * earlier example sent: reads are retried until they hold or {@link #READ_SETTLE} has passed. Writes run once.
     */
    private void check(HttpExample example, Map<String, String> captured) throws Exception {
        if (!example.method().equals("GET")) {
            checkOnce(example, captured);
            return;
        }
        long deadline = System.nanoTime() + READ_SETTLE.toNanos();
        while (true) {
            Map<String, String> attempt = new HashMap<>(captured);
            try {
                checkOnce(example, attempt);
                captured.putAll(attempt);
                return;
            } catch (AssertionError notYet) {
                if (System.nanoTime() > deadline) {
                    throw notYet;
                }
                Thread.sleep(250);
            }
        }
    }

    private void checkOnce(HttpExample example, Map<String, String> captured) throws Exception {
        String base = RunningSuite.suite().gatewayUrl();
        HttpRequest.Builder request = HttpRequest.newBuilder(URI.create(base + substitute(example.path(), captured)));
        example.requestHeaders().forEach((name, value) -> request.header(name, substitute(value, captured)));
        String body = substitute(example.requestBody(), captured);
        request.method(example.method(), body.isEmpty()
                ? HttpRequest.BodyPublishers.noBody() : HttpRequest.BodyPublishers.ofString(body));
        HttpResponse<String> response = http.send(request.build(), HttpResponse.BodyHandlers.ofString());

        assertThat(response.statusCode()).as("status of " + example.requestLine() + ": " + response.body())
                .isEqualTo(example.status());
        example.responseHeaders().forEach((name, value) -> assertThat(response.headers().firstValue(name))
                .as(name).hasValueSatisfying(actual -> assertThat(actual).startsWith(value)));
        if (example.responseBody().isBlank()) {
            return;
        }
        if (example.responseHeaders().getOrDefault("Content-Type", "").startsWith("text/csv")) {
            assertThat(response.body().strip()).as(example.requestLine())
                    .matches(csvPattern(substitute(example.responseBody().strip(), captured)));
        } else {
            JsonMatch.assertMatches(mapper.readTree(example.responseBody()), mapper.readTree(response.body()), captured);
        }
    }

    /** A CSV answer as written, where {@code ...} stands for any text within a line. */
    static Pattern csvPattern(String expected) {
        StringBuilder pattern = new StringBuilder();
        String[] parts = expected.split("\\.\\.\\.", -1);
        for (int i = 0; i < parts.length; i++) {
            pattern.append(Pattern.quote(parts[i]));
            if (i < parts.length - 1) {
                pattern.append("[^\\n]*");
            }
        }
        return Pattern.compile(pattern.toString());
    }

    private static String substitute(String text, Map<String, String> captured) {
        String result = text;
        for (Map.Entry<String, String> entry : captured.entrySet()) {
            result = result.replace("{{" + entry.getKey() + "}}", entry.getValue());
        }
        return result;
    }
}
