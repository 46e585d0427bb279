package io.portrait.gateway.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import org.junit.jupiter.api.Test;

import java.time.Instant;

import static org.assertj.core.api.Assertions.assertThat;

/** The JSON side only: the forms of a time are common's {@code EventTimestampsTest}. */
class EventTimeTest {

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;
    private static final Instant NINE = Instant.parse("2026-03-01T09:00:00Z");

    @Test
    void aTimeIsTextOrEpochMillisecondsAsANumber() {
        assertThat(EventTime.read(JSON.textNode("2026-03-01T17:00:00+08:00"))).isEqualTo(NINE);
        assertThat(EventTime.read(JSON.textNode("1772355600000"))).isEqualTo(NINE);
        assertThat(EventTime.read(JSON.numberNode(1772355600000L))).isEqualTo(NINE);
    }

    @Test
    void whatNamesNoTimeIsNull() {
        for (JsonNode value : new JsonNode[]{null, JSON.nullNode(), JSON.booleanNode(true), JSON.numberNode(17.5),
                JSON.numberNode(42), JSON.objectNode(), JSON.textNode("2026-03-01T09:00:00"), JSON.textNode("yesterday")}) {
            assertThat(EventTime.read(value)).as(String.valueOf(value)).isNull();
        }
    }
}
