package io.portrait.ingestion.engine;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.portrait.common.identifier.IdentifierNormalizer;
import io.portrait.ingestion.domain.CleanedEvent;
import io.portrait.ingestion.domain.CleanedIdentifier;
import io.portrait.proto.event.v1.Identifier;
import io.portrait.proto.ingestion.v1.CollectedEvent;
import io.portrait.proto.ingestion.v1.FieldError;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.function.UnaryOperator;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class EventCleanerTest {

    private static final Instant RECEIVED = Instant.parse("2026-03-01T12:00:00.123456Z");
    private static final Instant RECEIVED_MILLIS = Instant.parse("2026-03-01T12:00:00.123Z");

    private final EventCleaner cleaner = new EventCleaner(IdentifierNormalizer.withDefaults(), Duration.ofMinutes(10));

    /** A valid track event; each case changes one or a few things. */
    private static CollectedEvent.Builder valid() {
        return CollectedEvent.newBuilder()
                .setMessageId("m-1")
                .setType("track")
                .setName("Order Completed")
                .setChannel("web")
                .setSource("shop")
                .setTimestamp("2026-03-01T10:00:00Z")
                .addIdentifiers(id("email", "ann@example.com"));
    }

    private static Identifier id(String type, String value) {
        return Identifier.newBuilder().setType(type).setValue(value).build();
    }

    static Stream<Arguments> rejected() {
        return Stream.of(
                arguments("no message id", edit(e -> e.setMessageId(" ")), List.of("message_id:required")),
                arguments("message id too long", edit(e -> e.setMessageId("m".repeat(201))), List.of("message_id:too_long")),
                arguments("no type", edit(e -> e.setType("")), List.of("type:required")),
                arguments("unknown type", edit(e -> e.setType("purchase")), List.of("type:unknown_type")),
                arguments("track without name", edit(e -> e.setName("  ")), List.of("event:required")),
                arguments("no channel", edit(e -> e.setChannel("")), List.of("channel:required")),
                arguments("unknown channel", edit(e -> e.setChannel("fax")), List.of("channel:unknown_channel")),
                arguments("source too long", edit(e -> e.setSource("s".repeat(201))), List.of("source:too_long")),
                arguments("timestamp without offset", edit(e -> e.setTimestamp("2026-03-01T10:00:00")),
                        List.of("timestamp:invalid_format")),
                arguments("timestamp not a date", edit(e -> e.setTimestamp("yesterday")), List.of("timestamp:invalid_format")),
                arguments("invalid email beside a valid phone",
                        edit(e -> e.clearIdentifiers().addIdentifiers(id("email", "not-an-email"))
                                .addIdentifiers(id("phone", "13800138000"))),
                        List.of("identifiers.email:invalid_format")),
                arguments("unknown identifier type",
                        edit(e -> e.addIdentifiers(id("passport", "X1"))), List.of("identifiers.passport:unknown_type")),
                arguments("no identifiers", edit(CollectedEvent.Builder::clearIdentifiers), List.of("identifiers:required")),
                arguments("only a placeholder identifier",
                        edit(e -> e.clearIdentifiers().addIdentifiers(id("user_id", "null"))),
                        List.of("identifiers:required")),
                arguments("only an invalid identifier",
                        edit(e -> e.clearIdentifiers().addIdentifiers(id("phone", "12345"))),
                        List.of("identifiers.phone:invalid_format", "identifiers:required")),
                arguments("everything wrong at once",
                        edit(e -> CollectedEvent.newBuilder().setType("buy").setTimestamp("soon")),
                        List.of("message_id:required", "type:unknown_type", "channel:required",
                                "timestamp:invalid_format", "identifiers:required")));
    }

    private static UnaryOperator<CollectedEvent.Builder> edit(UnaryOperator<CollectedEvent.Builder> change) {
        return change;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("rejected")
    void rejectsWithEveryFieldError(String name, UnaryOperator<CollectedEvent.Builder> change, List<String> expected) {
        CleaningResult result = cleaner.clean(change.apply(valid()).build(), RECEIVED);

        assertThat(result.accepted()).isFalse();
        assertThat(result.errors()).extracting(e -> e.getField() + ":" + e.getCode())
                .containsExactlyInAnyOrderElementsOf(expected);
        assertThat(result.errors()).extracting(FieldError::getMessage).allSatisfy(m -> assertThat(m).isNotBlank());
    }

    @ParameterizedTest(name = "{0} -> {1}")
    @CsvSource({
            "2026-03-01T10:00:00Z,           2026-03-01T10:00:00Z,     false",
            "2026-03-01T18:00:00+08:00,      2026-03-01T10:00:00Z,     false",
            "2026-03-01T10:00:00.987654Z,    2026-03-01T10:00:00.987Z, false",
            "2026-03-01T12:09:00Z,           2026-03-01T12:09:00Z,     false",
            "2026-03-01T12:30:00Z,           2026-03-01T12:00:00.123Z, true",
            "'',                             2026-03-01T12:00:00.123Z, false",
    })
    void normalizesTheTimestampToUtcWithinTheAllowedSkew(String sent, String expected, boolean clamped) {
        CleaningResult result = cleaner.clean(valid().setTimestamp(sent).build(), RECEIVED);

        assertThat(result.accepted()).isTrue();
        Instant timestamp = Instant.ofEpochSecond(result.event().event().getTimestamp().getSeconds(),
                result.event().event().getTimestamp().getNanos());
        assertThat(timestamp).isEqualTo(Instant.parse(expected));
        assertThat(result.event().timestampClamped()).isEqualTo(clamped);
        assertThat(result.event().event().getReceivedAt().getSeconds()).isEqualTo(RECEIVED_MILLIS.getEpochSecond());
        assertThat(result.event().event().getReceivedAt().getNanos()).isEqualTo(RECEIVED_MILLIS.getNano());
    }

    @ParameterizedTest(name = "{0} ''{1}'' -> {2}")
    @CsvSource({
            "type,    ' Track ',        track",
            "channel, ' Mini_Program ', mini_program",
            "source,  '',               default",
            "source,  ' pos-17 ',       pos-17",
    })
    void cleansKeywordFields(String field, String sent, String expected) {
        CollectedEvent.Builder event = valid();
        switch (field) {
            case "type" -> event.setType(sent);
            case "channel" -> event.setChannel(sent);
            default -> event.setSource(sent);
        }
        CleaningResult result = cleaner.clean(event.build(), RECEIVED);

        assertThat(result.accepted()).isTrue();
        String actual = switch (field) {
            case "type" -> result.event().event().getType();
            case "channel" -> result.event().event().getChannel();
            default -> result.event().event().getSource();
        };
        assertThat(actual).isEqualTo(expected);
    }

    @Test
    void normalizesIdentifiersKeepsPlaceholdersOutOfMatchingAndDropsRepeats() {
        CollectedEvent event = valid().clearIdentifiers()
                .addIdentifiers(id("email", " Ann@Example.COM "))
                .addIdentifiers(id("Phone", "138-0013-8000"))
                .addIdentifiers(id("email", "ann@example.com"))
                .addIdentifiers(id("anonymous_id", "undefined"))
                .build();

        CleanedEvent cleaned = cleaner.clean(event, RECEIVED).event();

        assertThat(cleaned.identifiers()).containsExactly(
                new CleanedIdentifier("email", "ann@example.com", true),
                new CleanedIdentifier("phone", "+8613800138000", true),
                new CleanedIdentifier("anonymous_id", "undefined", false));
        assertThat(cleaned.event().getIdentifiersList()).extracting(Identifier::getValue)
                .containsExactly("ann@example.com", "+8613800138000", "undefined");
        assertThat(cleaned.matchableIdentifiers()).extracting(Identifier::getType).containsExactly("email", "phone");
    }

    @Test
    void carriesTraitsPropertiesAndConsentUnchanged() {
        Struct properties = Struct.newBuilder()
                .putFields("revenue", Value.newBuilder().setNumberValue(12.5).build())
                .putFields("currency", Value.newBuilder().setStringValue("CNY").build())
                .build();
        Struct traits = Struct.newBuilder().putFields("name", Value.newBuilder().setStringValue("Ann").build()).build();
        CollectedEvent event = valid().setProperties(properties).setTraits(traits)
                .putConsent("personalization", true).putConsent("marketing", false).build();

        CleanedEvent cleaned = cleaner.clean(event, RECEIVED).event();

        assertThat(cleaned.event().getProperties()).isEqualTo(properties);
        assertThat(cleaned.event().getTraits()).isEqualTo(traits);
        assertThat(cleaned.event().getConsentMap()).containsEntry("personalization", true).containsEntry("marketing", false);
        assertThat(cleaned.event().getMessageId()).isEqualTo("m-1");
        assertThat(cleaned.event().getName()).isEqualTo("Order Completed");
    }

    @Test
    void pageEventsNeedNoName() {
        CleaningResult result = cleaner.clean(valid().setType("page").setName("").build(), RECEIVED);

        assertThat(result.accepted()).isTrue();
        assertThat(result.event().event().getType()).isEqualTo("page");
    }
}
