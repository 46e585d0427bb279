package io.portrait.launcher.docs;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class JsonMatchTest {

    private final ObjectMapper mapper = new ObjectMapper();

    private void check(String documented, String actual, Map<String, String> captured) throws Exception {
        JsonMatch.assertMatches(mapper.readTree(documented), mapper.readTree(actual), captured);
    }

    @Test
    void documentedMembersMustMatchAndExtraMembersAreAllowed() throws Exception {
        check("{\"a\": 1, \"b\": \"...\"}", "{\"a\": 1.0, \"b\": [1], \"c\": true}", new HashMap<>());
        assertThatThrownBy(() -> check("{\"a\": 1}", "{\"a\": 2}", new HashMap<>())).hasMessageContaining("$.a");
        assertThatThrownBy(() -> check("{\"b\": \"...\"}", "{\"a\": 2}", new HashMap<>())).hasMessageContaining("$.b is missing");
    }

    @Test
    void arraysMatchInAnyOrderButNotInLength() throws Exception {
        check("[{\"t\": \"x\"}, {\"t\": \"y\"}]", "[{\"t\": \"y\", \"v\": 1}, {\"t\": \"x\"}]", new HashMap<>());
        assertThatThrownBy(() -> check("[1]", "[1, 2]", new HashMap<>())).hasMessageContaining("array of 1");
    }

    @Test
    void capturesAValueAndHoldsItAfterwards() throws Exception {
        Map<String, String> captured = new HashMap<>();
        check("{\"id\": \"{{p}}\"}", "{\"id\": \"42\"}", captured);
        assertThat(captured).containsEntry("p", "42");
        check("[{\"id\": \"{{p}}\"}]", "[{\"id\": \"42\"}]", captured);
        assertThatThrownBy(() -> check("{\"id\": \"{{p}}\"}", "{\"id\": \"43\"}", captured)).hasMessageContaining("p = 42");
    }

    @Test
    void parsesRequestAndResponseBlocks() {
        List<HttpExample> examples = HttpExample.parse("""
                ```http request
                POST /v1/events?wait=true
                Content-Type: application/json

                {"events": []}
                ```
                text
                ```http response
                HTTP/1.1 422
                Content-Type: application/problem+json

                {"status": 422}
                ```
                """);
        assertThat(examples).singleElement().satisfies(e -> {
            assertThat(e.method()).isEqualTo("POST");
            assertThat(e.path()).isEqualTo("/v1/events?wait=true");
            assertThat(e.requestHeaders()).containsEntry("Content-Type", "application/json");
            assertThat(e.requestBody()).isEqualTo("{\"events\": []}");
            assertThat(e.status()).isEqualTo(422);
            assertThat(e.responseBody()).isEqualTo("{\"status\": 422}");
        });
        assertThatThrownBy(() -> HttpExample.parse("```http request\nGET /x\n```\n"))
                .hasMessageContaining("without a response");
    }
}
