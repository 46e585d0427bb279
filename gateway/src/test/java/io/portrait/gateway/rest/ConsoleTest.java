package io.portrait.gateway.rest;

import io.portrait.common.testing.PostgresTestResource;
import io.quarkus.test.common.ResourceArg;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import io.restassured.path.json.JsonPath;
import io.restassured.response.Response;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;

/**
 * The Customer 360 console (docs/console.md): its files load without a key and with the console's security headers,
 * every API call its scripts make exists in the OpenAPI document, and no script writes HTML.
 */
@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "gateway"))
class ConsoleTest {

    /** The console's sources, as packaged under META-INF/resources (served at /console/). */
    private static final Path CONSOLE = Path.of("src/main/resources/META-INF/resources/console");

    /** An endpoint declaration of api.js: {@code { method: 'GET', path: '/v1/profiles/{id}', ... }}. */
    private static final Pattern ENDPOINT = Pattern.compile(
            "method:\\s*'([A-Z]+)',\\s*path:\\s*'(/v1/[^']*)'");
    /** Any string literal naming an API path, wherever it is. */
    private static final Pattern API_LITERAL = Pattern.compile("['\"`]/v1/");
    /** Ways a script could turn text into markup or code. */
    private static final Pattern HTML_SINK = Pattern.compile(
            "innerHTML|outerHTML|insertAdjacentHTML|document\\.write|createContextualFragment|\\beval\\s*\\(|new\\s+Function\\b");

    private static final Map<String, String> CONTENT_TYPES = Map.of(
            "html", "text/html", "js", "text/javascript", "css", "text/css", "svg", "image/svg+xml");

    @Test
    void theConsoleWithoutItsClosingSlashSendsTheBrowserToIt() {
        given().redirects().follow(false).when().get("/console")
                .then().statusCode(301)
                .header("Location", "console/");
    }

    @Test
    void everyConsoleFileIsServedWithoutAKeyWithItsTypeAndTheSecurityHeaders() {
        List<Path> files = consoleFiles(null);
        assertThat(files).extracting(this::served).contains("index.html", "console.css", "js/api.js", "js/app.js");
        for (Path file : files) {
            String name = served(file);
            String extension = name.substring(name.lastIndexOf('.') + 1);
            assertThat(CONTENT_TYPES).as(name).containsKey(extension);
            Response response = given().when().get("/console/" + name);
            assertThat(response.statusCode()).as(name).isEqualTo(200);
            assertThat(response.contentType()).as(name).startsWith(CONTENT_TYPES.get(extension));
            assertSecurityHeaders(response, name);
        }
        // The directory answers its index page.
        Response index = given().when().get("/console/");
        assertThat(index.statusCode()).isEqualTo(200);
        assertThat(index.contentType()).startsWith("text/html");
        assertThat(index.body().asString()).contains("<script type=\"module\" src=\"js/app.js\">");
        assertSecurityHeaders(index, "/console/");
    }

    private static void assertSecurityHeaders(Response response, String name) {
        String policy = response.header("Content-Security-Policy");
        assertThat(policy).as(name).isNotNull()
                .startsWith("default-src 'self';")
                .contains("script-src 'self';", "style-src 'self';", "connect-src 'self';", "object-src 'none';",
                        "frame-ancestors 'none';", "form-action 'none';")
                .doesNotContain("unsafe-inline", "unsafe-eval", "http:", "https:", "*");
        assertThat(response.header("X-Content-Type-Options")).as(name).isEqualTo("nosniff");
        assertThat(response.header("Referrer-Policy")).as(name).isEqualTo("no-referrer");
        assertThat(response.header("X-Frame-Options")).as(name).isEqualTo("DENY");
    }

    @Test
    void theApiStillNeedsAKeyAndDoesNotCarryTheConsolesHeaders() {
        Response response = given().queryParam("type", "email").queryParam("value", "ann@example.com")
                .when().get("/v1/profiles/lookup");
        assertThat(response.statusCode()).isEqualTo(401);
        assertThat(response.header("Content-Security-Policy")).isNull();
    }

    @Test
    void everyApiCallOfTheConsoleIsAnOperationOfTheOpenApiDocument() {
        String api = read(CONSOLE.resolve("js/api.js"));
        List<String[]> endpoints = new ArrayList<>();
        Matcher matcher = ENDPOINT.matcher(api);
        while (matcher.find()) {
            endpoints.add(new String[]{matcher.group(1), matcher.group(2)});
        }
        assertThat(endpoints).as("endpoint declarations in api.js").hasSizeGreaterThanOrEqualTo(6);

        // Every API path in any script is one of those declarations: none is called from elsewhere.
        long literals = consoleFiles("js").stream().mapToLong(file -> API_LITERAL.matcher(read(file)).results().count()).sum();
        assertThat(literals).as("API path literals in the scripts").isEqualTo(endpoints.size());

        JsonPath openApi = given().queryParam("format", "json")
                .when().get("/q/openapi")
                .then().statusCode(200).extract().jsonPath();
        Map<String, Map<String, Object>> paths = openApi.getMap("paths");
        List<String> missing = endpoints.stream()
                .filter(e -> !paths.containsKey(e[1]) || !paths.get(e[1]).containsKey(e[0].toLowerCase(Locale.ROOT)))
                .map(e -> e[0] + " " + e[1])
                .toList();
        assertThat(missing).as("console calls the OpenAPI document lacks").isEmpty();
    }

    @Test
    void noScriptWritesMarkupAndThePageHoldsNoInlineCode() {
        List<String> offenders = consoleFiles("js").stream()
                .filter(file -> HTML_SINK.matcher(read(file)).find())
                .map(this::served)
                .toList();
        assertThat(offenders).as("scripts that write HTML or evaluate text").isEmpty();

        for (Path page : consoleFiles("html")) {
            String html = read(page);
            assertThat(html).as(served(page))
                    .doesNotContainPattern("<script(?![^>]*\\ssrc=)[^>]*>")
                    .doesNotContainPattern("\\sstyle\\s*=")
                    .doesNotContainPattern("<style")
                    .doesNotContainPattern("\\son[a-z]+\\s*=")
                    .doesNotContainPattern("(src|href)=\"(https?:)?//");
        }
    }

    @Test
    void theGuardsCatchWhatTheyLookFor() {
        // The patterns above are only worth their passes if they match what they must refuse.
        assertThat(HTML_SINK.matcher("node.innerHTML = data").find()).isTrue();
        assertThat(HTML_SINK.matcher("el.insertAdjacentHTML('beforeend', x)").find()).isTrue();
        assertThat(HTML_SINK.matcher("document.write(x)").find()).isTrue();
        assertThat(HTML_SINK.matcher("node.textContent = data").find()).isFalse();
        assertThat(API_LITERAL.matcher("fetch('/v1/tags')").find()).isTrue();
        Matcher endpoint = ENDPOINT.matcher("x: { method: 'GET', path: '/v1/segments/{code}', scope: 'profiles:read' }");
        assertThat(endpoint.find()).isTrue();
        assertThat(endpoint.group(2)).isEqualTo("/v1/segments/{code}");
    }

    /** The console's files, or those with the given extension. */
    private static List<Path> consoleFiles(String extension) {
        try (Stream<Path> walk = Files.walk(CONSOLE)) {
            return walk.filter(Files::isRegularFile)
                    .filter(file -> extension == null || file.getFileName().toString().endsWith("." + extension))
                    .sorted()
                    .toList();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private String served(Path file) {
        return CONSOLE.relativize(file).toString().replace('\\', '/');
    }

    private static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
