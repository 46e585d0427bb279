package io.portrait.gateway.engine;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portrait.gateway.domain.FieldError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.nio.charset.StandardCharsets;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class EventBatchReaderTest {

    private final EventBatchReader reader = new EventBatchReader(new ObjectMapper(), 3, 1024);

    private List<ReadEvent> read(String body) {
        return reader.read(body.getBytes(StandardCharsets.UTF_8));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "{\"events\": [                       | MALFORMED_JSON",
            "''                                   | MALFORMED_JSON",
            "[]                                   | INVALID_SHAPE",
            "{\"events\": {}}                     | INVALID_SHAPE",
            "{\"events\": []}                     | INVALID_SHAPE",
            "{\"batch\": []}                      | INVALID_SHAPE",
            "{\"events\": [{}, {}, {}, {}]}       | TOO_MANY_EVENTS",
    })
    void refusesBatchesThatCannotBeRead(String body, BatchFormatException.Reason reason) {
        assertThatThrownBy(() -> read(body))
                .isInstanceOfSatisfying(BatchFormatException.class, e -> assertThat(e.reason()).isEqualTo(reason));
    }

    @Test
    void refusesTheWholeBatchWhenOneEventIsOverTheLimitAndNamesIt() {
        String small = "{\"messageId\": \"m-1\"}";
        String large = "{\"messageId\": \"m-2\", \"traits\": {\"note\": \"" + "x".repeat(1024) + "\"}}";

        assertThatThrownBy(() -> read("{\"events\": [" + small + ", " + large + "]}"))
                .isInstanceOfSatisfying(BatchFormatException.class, e -> {
                    assertThat(e.reason()).isEqualTo(BatchFormatException.Reason.EVENT_TOO_LARGE);
                    assertThat(e.getMessage()).startsWith("Event 1 is ").contains("at most 1024 bytes");
                });
        assertThat(read("{\"events\": [" + small + ", " + small + "]}")).hasSize(2);
    }

    @Test
    void malformedJsonSaysWhere() {
        assertThatThrownBy(() -> read("{\"events\": [\n  {\"type\": }]}"))
                .hasMessageContaining("line 2");
    }

    @Test
    void anUnclosedObjectSaysWhereItOpenedWithoutTheParsersInternals() {
        assertThatThrownBy(() -> read("{\"events\": [\n  {\"type\": \"track\""))
                .hasMessage("The body is not valid JSON at line 2, column 19: Unexpected end-of-input: expected close"
                        + " marker for Object (opened at line 2, column 3)");
    }

    @Test
    void readsEveryFieldOfAWellShapedEvent() {
        List<ReadEvent> read = read("""
                {"events": [{"messageId": "m-2", "type": "track", "event": "Order Completed", "channel": "pos",
                  "source": "till-7", "timestamp": "2026-01-06T09:30:00Z",
                  "identifiers": {"phone": "+8613800138000", "member_card": 88001, "device_id": ["d-1", "d-2"]},
                  "traits": {"name": "Ann"}, "properties": {"orderId": "o-9", "revenue": 12.5, "currency": "CNY"},
                  "consent": {"personalization": false}}]}
                """);
        assertThat(read).singleElement().satisfies(item -> {
            assertThat(item.readable()).isTrue();
            assertThat(item.event().getMessageId()).isEqualTo("m-2");
            assertThat(item.event().getName()).isEqualTo("Order Completed");
            assertThat(item.event().getSource()).isEqualTo("till-7");
            assertThat(item.event().getIdentifiersList())
                    .extracting(i -> i.getType() + "=" + i.getValue())
                    .containsExactly("phone=+8613800138000", "member_card=88001", "device_id=d-1", "device_id=d-2");
            assertThat(item.event().getProperties().getFieldsMap().get("revenue").getNumberValue()).isEqualTo(12.5);
            assertThat(item.event().getTraits().getFieldsMap().get("name").getStringValue()).isEqualTo("Ann");
            assertThat(item.event().getConsentMap()).containsEntry("personalization", false);
        });
    }

    @Test
    void aTimestampMayComeAsEpochMilliseconds() {
        assertThat(read("{\"events\": [{\"timestamp\": 1767225600000}]}").get(0).event().getTimestamp())
                .isEqualTo("1767225600000");
    }

    @Test
    void wholeNumbersBeyondWhatADoubleHoldsKeepEveryDigit() {
        List<ReadEvent> read = read("""
                {"events": [{"properties": {"orderId": 1234567890123456789, "other": 1234567890123456788,
                  "huge": 123456789012345678901234567890, "count": 3, "price": 9.99,
                  "products": [{"sku": 9007199254740993, "quantity": 2}]}}]}
                """);
        var properties = read.get(0).event().getProperties().getFieldsMap();
        assertThat(properties.get("orderId").getStringValue()).isEqualTo("1234567890123456789");
        assertThat(properties.get("other").getStringValue()).isEqualTo("1234567890123456788");
        assertThat(properties.get("huge").getStringValue()).isEqualTo("123456789012345678901234567890");
        assertThat(properties.get("count").getNumberValue()).isEqualTo(3);
        assertThat(properties.get("price").getNumberValue()).isEqualTo(9.99);
        assertThat(properties.get("products").getListValue().getValues(0).getStructValue().getFieldsMap()
                .get("sku").getStringValue()).isEqualTo("9007199254740993");
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "\"not an event\"                                   | ''",
            "{\"messageId\": 7}                                 | messageId",
            "{\"type\": [\"track\"]}                            | type",
            "{\"identifiers\": \"ann@example.com\"}             | identifiers",
            "{\"identifiers\": {\"email\": {\"v\": 1}}}         | identifiers.email",
            "{\"traits\": \"Ann\"}                              | traits",
            "{\"properties\": [1, 2]}                           | properties",
            "{\"consent\": {\"marketing\": \"yes\"}}            | consent.marketing",
            "{\"timestamp\": 1.5}                               | timestamp",
    })
    void reportsBadlyShapedItemsByFieldAndKeepsTheOthers(String item, String field) {
        List<ReadEvent> read = read("{\"events\": [" + item + ", {\"messageId\": \"ok\"}]}");
        assertThat(read.get(0).readable()).isFalse();
        assertThat(read.get(0).errors()).extracting(FieldError::field).containsExactly(field);
        assertThat(read.get(0).errors()).extracting(FieldError::code).containsExactly("invalid_type");
        assertThat(read.get(1).readable()).isTrue();
        assertThat(read.get(1).index()).isEqualTo(1);
    }
}
