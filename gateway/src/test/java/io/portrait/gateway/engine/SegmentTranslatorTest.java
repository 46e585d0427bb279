package io.portrait.gateway.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class SegmentTranslatorTest {

    /** When the gateway received the request in these tests. */
    private static final Instant RECEIVED = Instant.parse("2026-03-01T12:00:00Z");

    private final ObjectMapper mapper = new ObjectMapper();
    private final SegmentTranslator translator = new SegmentTranslator("web", "segment-compat");

    private JsonNode json(String text) {
        try {
            return mapper.readTree(text);
        } catch (Exception e) {
            throw new IllegalArgumentException(e);
        }
    }

    private JsonNode one(String message) {
        TranslatedEvent translated = translator.batch(json("{\"batch\": [" + message + "]}"), 10, RECEIVED).get(0);
        assertThat(translated.refusals()).isEmpty();
        return translated.event();
    }

    @Test
    void aTrackCallBecomesAPortraitTrackEvent() {
        JsonNode event = one("""
                {"type": "track", "messageId": "m-1", "userId": "u-1", "anonymousId": "a-1", "event": "Order Completed",
                 "timestamp": "2026-03-01T08:00:00Z", "properties": {"orderId": "o-1", "revenue": 12.5},
                 "integrations": {"All": false}, "context": {"library": {"name": "analytics-python"}}}
                """);
        assertThat(event).isEqualTo(json("""
                {"messageId": "m-1", "type": "track", "event": "Order Completed", "channel": "web",
                 "source": "segment-compat", "timestamp": "2026-03-01T08:00:00Z",
                 "identifiers": {"user_id": "u-1", "anonymous_id": "a-1"},
                 "properties": {"orderId": "o-1", "revenue": 12.5}}
                """));
    }

    @Test
    void emailAndPhoneOfTheTraitsBecomeIdentifiersAndStayTraits() {
        JsonNode event = one("""
                {"type": "identify", "messageId": "m-1", "userId": "u-1",
                 "traits": {"email": "ann@example.com", "phone": "+8613912345678", "name": "Ann"}}
                """);
        assertThat(event.get("identifiers")).isEqualTo(json(
                "{\"user_id\": \"u-1\", \"email\": \"ann@example.com\", \"phone\": \"+8613912345678\"}"));
        assertThat(event.get("traits")).isEqualTo(json(
                "{\"email\": \"ann@example.com\", \"phone\": \"+8613912345678\", \"name\": \"Ann\"}"));
    }

    @Test
    void contextTraitsCountToo_theMessagesOwnTraitsWinning() {
        JsonNode event = one("""
                {"type": "track", "event": "Search", "messageId": "m-1", "anonymousId": "a-1",
                 "traits": {"name": "Ann"},
                 "context": {"traits": {"email": "ann@example.com", "name": "Anne"}}}
                """);
        assertThat(event.get("traits")).isEqualTo(json("{\"email\": \"ann@example.com\", \"name\": \"Ann\"}"));
        assertThat(event.get("identifiers").get("email").asText()).isEqualTo("ann@example.com");
    }

    @Test
    void segmentsConsentCategoriesBecomePortraitsPurposes() {
        JsonNode event = one("""
                {"type": "track", "event": "Search", "messageId": "m-1", "anonymousId": "a-1",
                 "context": {"consent": {"categoryPreferences": {"Advertising": true, "Data Sharing": false,
                                                                  "C0004": true, "--": true}}}}
                """);
        assertThat(event.get("consent")).isEqualTo(json(
                "{\"advertising\": true, \"data_sharing\": false, \"c0004\": true}"));
        assertThat(one("{\"type\": \"track\", \"event\": \"Search\", \"messageId\": \"m-2\", "
                + "\"anonymousId\": \"a-1\", \"context\": {\"consent\": {}}}").has("consent")).isFalse();
    }

    @Test
    void theDeviceIdIsADeviceIdentifier() {
        JsonNode event = one("""
                {"type": "screen", "name": "Home", "messageId": "m-1", "context": {"device": {"id": "d-1"}}}
                """);
        assertThat(event.get("identifiers")).isEqualTo(json("{\"device_id\": \"d-1\"}"));
        assertThat(event.get("name").asText()).isEqualTo("Home");
    }

    @ParameterizedTest
    @CsvSource({"iOS, idfa", "iPadOS, idfa", "Android, gaid"})
    void theAdvertisingIdIsIdfaOnIosAndGaidOnAndroid(String os, String type) {
        JsonNode event = one("{\"type\": \"track\", \"event\": \"Open\", \"messageId\": \"m-1\", \"context\": "
                + "{\"os\": {\"name\": \"" + os + "\"}, \"device\": {\"id\": \"d-1\", \"advertisingId\": \"ad-1\"}}}");
        assertThat(event.get("identifiers")).isEqualTo(json("{\"device_id\": \"d-1\", \"" + type + "\": \"ad-1\"}"));
    }

    @Test
    void withoutTheOsTheDeviceTypeSaysThePlatform_andWithNeitherTheAdvertisingIdIsLeftOut() {
        assertThat(one("""
                {"type": "track", "event": "Open", "messageId": "m-1",
                 "context": {"device": {"type": "android", "advertisingId": "ad-1"}}}
                """).get("identifiers")).isEqualTo(json("{\"gaid\": \"ad-1\"}"));
        assertThat(one("""
                {"type": "track", "event": "Open", "messageId": "m-1", "userId": "u-1",
                 "context": {"os": {"name": "Windows"}, "device": {"advertisingId": "ad-1"}}}
                """).get("identifiers")).isEqualTo(json("{\"user_id\": \"u-1\"}"));
    }

    @ParameterizedTest
    @CsvSource({"analytics-ios, app", "analytics-android, app", "analytics-swift, app", "analytics-kotlin, app",
            "analytics-react-native, app", "analytics-flutter, app", "analytics_flutter, app",
            "@segment/analytics-react-native, app", "analytics.js, web", "analytics-next, web",
            "analytics-java, pos", "analytics-node, pos", "'', pos"})
    void theChannelFollowsTheLibrary_elseTheConfiguredDefault(String library, String channel) {
        SegmentTranslator posByDefault = new SegmentTranslator("pos", "segment-compat");
        JsonNode event = posByDefault.single(json("{\"messageId\": \"m-1\", \"userId\": \"u-1\", "
                + "\"context\": {\"library\": {\"name\": \"" + library + "\", \"version\": \"1.0\"}}}"), "page", RECEIVED)
                .event();
        assertThat(event.get("channel").asText()).isEqualTo(channel);
    }

    @Test
    void aMessageWithoutContextTakesTheDefaultChannelAndTheConfiguredSource() {
        SegmentTranslator configured = new SegmentTranslator("crm", "legacy-segment");
        JsonNode event = configured.single(json("{\"messageId\": \"m-1\", \"userId\": \"u-1\"}"), "identify", RECEIVED)
                .event();
        assertThat(event.get("channel").asText()).isEqualTo("crm");
        assertThat(event.get("source").asText()).isEqualTo("legacy-segment");
        assertThat(event.get("type").asText()).isEqualTo("identify");
    }

    @Test
    void anAliasCarriesTheNewUserIdAndThePreviousIdAsAnonymousId() {
        JsonNode event = one("""
                {"type": "alias", "messageId": "m-1", "userId": "u-1", "previousId": "a-1"}
                """);
        assertThat(event.get("type").asText()).isEqualTo("alias");
        assertThat(event.get("identifiers")).isEqualTo(json("{\"user_id\": \"u-1\", \"anonymous_id\": \"a-1\"}"));
        // The same anonymous id sent twice is one identifier; another one makes a list.
        assertThat(one("""
                {"type": "alias", "messageId": "m-2", "userId": "u-1", "anonymousId": "a-1", "previousId": "a-1"}
                """).get("identifiers")).isEqualTo(json("{\"user_id\": \"u-1\", \"anonymous_id\": \"a-1\"}"));
        assertThat(one("""
                {"type": "alias", "messageId": "m-3", "userId": "u-1", "anonymousId": "a-2", "previousId": "a-1"}
                """).get("identifiers")).isEqualTo(json("{\"user_id\": \"u-1\", \"anonymous_id\": [\"a-2\", \"a-1\"]}"));
    }

    @Test
    void previousIdCountsOnlyOnAnAlias() {
        assertThat(one("""
                {"type": "track", "event": "Search", "messageId": "m-1", "userId": "u-1", "previousId": "a-1"}
                """).get("identifiers")).isEqualTo(json("{\"user_id\": \"u-1\"}"));
    }

    @Test
    void theTimestampFallsBackToOriginalTimestamp_andIsLeftForTheReceiveTimeWithoutEither() {
        assertThat(one("""
                {"type": "track", "event": "Search", "messageId": "m-1", "userId": "u-1",
                 "originalTimestamp": "2026-03-01T08:00:00+08:00"}
                """).get("timestamp").asText()).isEqualTo("2026-03-01T08:00:00+08:00");
        assertThat(one("""
                {"type": "track", "event": "Search", "messageId": "m-1", "userId": "u-1",
                 "timestamp": "2026-03-02T08:00:00Z", "originalTimestamp": "2026-03-01T08:00:00Z"}
                """).get("timestamp").asText()).isEqualTo("2026-03-02T08:00:00Z");
        assertThat(one("""
                {"type": "track", "event": "Search", "messageId": "m-1", "userId": "u-1", "sentAt": "2026-03-01T08:00:00Z"}
                """).has("timestamp")).isFalse();
    }

    @Test
    void sentAtCorrectsTheSendersClock_theTimeMovedByTheGapBetweenSentAtAndTheTimeReceived() {
        // The device's clock is three hours behind: it sent at 09:00 by its clock, received at 12:00.
        assertThat(one("""
                {"type": "track", "event": "Search", "messageId": "m-1", "userId": "u-1",
                 "timestamp": "2026-03-01T08:30:00Z", "sentAt": "2026-03-01T09:00:00Z"}
                """).get("timestamp").asText()).isEqualTo("2026-03-01T11:30:00Z");
        // originalTimestamp alike, whatever the offsets, and to the millisecond.
        assertThat(one("""
                {"type": "track", "event": "Search", "messageId": "m-1", "userId": "u-1",
                 "originalTimestamp": "2026-03-01T16:30:00.250+08:00", "sentAt": "2026-03-01T17:00:01+08:00"}
                """).get("timestamp").asText()).isEqualTo("2026-03-01T11:29:59.250Z");
        // A clock ahead moves the time back; epoch milliseconds are read as ingestion reads them.
        assertThat(one("""
                {"type": "track", "event": "Search", "messageId": "m-1", "userId": "u-1",
                 "timestamp": 1772370000000, "sentAt": "2026-03-01 14:00:00+0000"}
                """).get("timestamp").asText()).isEqualTo("2026-03-01T11:00:00Z");
        // Over a single message's endpoint too.
        assertThat(translator.single(json("""
                {"messageId": "m-1", "userId": "u-1",
                 "timestamp": "2026-03-01T08:30:00Z", "sentAt": "2026-03-01T09:00:00Z"}
                """), "identify", RECEIVED).event().get("timestamp").asText()).isEqualTo("2026-03-01T11:30:00Z");
    }

    @Test
    void theBatchsSentAtStandsForThatOfEachMessageWithoutOne() {
        List<TranslatedEvent> events = translator.batch(json("""
                {"sentAt": "2026-03-01T09:00:00Z",
                 "batch": [
                   {"type": "track", "event": "Open", "messageId": "m-1", "userId": "u-1",
                    "timestamp": "2026-03-01T08:30:00Z"},
                   {"type": "track", "event": "Open", "messageId": "m-2", "userId": "u-1",
                    "timestamp": "2026-03-01T08:30:00Z", "sentAt": "2026-03-01T11:00:00Z"},
                   {"type": "track", "event": "Open", "messageId": "m-3", "userId": "u-1"}]}
                """), 10, RECEIVED);
        assertThat(events.get(0).event().get("timestamp").asText()).isEqualTo("2026-03-01T11:30:00Z");
        assertThat(events.get(1).event().get("timestamp").asText()).as("its own sentAt wins")
                .isEqualTo("2026-03-01T09:30:00Z");
        assertThat(events.get(2).event().has("timestamp")).as("no time of its own: the time received")
                .isFalse();
    }

    @Test
    void aSentAtThatNamesNoTimeRefusesItsMessage_anUnreadableTimeIsLeftForPortraitsCheck() {
        List<TranslatedEvent> events = translator.batch(json("""
                {"sentAt": "yesterday",
                 "batch": [
                   {"type": "track", "event": "Open", "messageId": "m-1", "userId": "u-1",
                    "timestamp": "2026-03-01T08:30:00Z", "sentAt": "2026-13-01T09:00:00Z"},
                   {"type": "track", "event": "Open", "messageId": "m-2", "userId": "u-1"},
                   {"type": "track", "event": "Open", "messageId": "m-3", "userId": "u-1",
                    "timestamp": "last week", "sentAt": "2026-03-01T09:00:00Z"},
                   {"type": "track", "event": "Open", "messageId": "m-4", "userId": "u-1", "sentAt": true}]}
                """), 10, RECEIVED);
        assertThat(events).extracting(TranslatedEvent::translated).containsExactly(false, false, true, false);
        assertThat(events.get(0).messageId()).isEqualTo("m-1");
        assertThat(events.get(0).refusals()).singleElement().satisfies(error -> {
            assertThat(error.field()).isEqualTo("sentAt");
            assertThat(error.code()).isEqualTo("invalid_format");
            assertThat(error.message()).startsWith("Field \"sentAt\" must be ISO-8601");
        });
        assertThat(events.get(1).refusals()).singleElement().satisfies(error -> {
            assertThat(error.field()).isEqualTo("sentAt");
            assertThat(error.message()).startsWith("The batch's \"sentAt\"");
        });
        assertThat(events.get(2).event().get("timestamp").asText()).isEqualTo("last week");
        assertThat(events.get(3).refusals()).extracting(e -> e.field()).containsExactly("sentAt");
    }

    @Test
    void theBatchContextLiesUnderEachMessagesOwn() {
        List<TranslatedEvent> events = translator.batch(json("""
                {"context": {"library": {"name": "analytics-android"}, "os": {"name": "Android"},
                             "traits": {"email": "ann@example.com"}},
                 "batch": [
                   {"type": "track", "event": "Open", "messageId": "m-1",
                    "context": {"device": {"id": "d-1", "advertisingId": "ad-1"}}},
                   {"type": "track", "event": "Open", "messageId": "m-2",
                    "context": {"library": {"name": "analytics-java"}, "traits": {"email": "bob@example.com"}}}]}
                """), 10, RECEIVED);
        assertThat(events.get(0).event().get("channel").asText()).isEqualTo("app");
        assertThat(events.get(0).event().get("identifiers")).isEqualTo(json(
                "{\"email\": \"ann@example.com\", \"device_id\": \"d-1\", \"gaid\": \"ad-1\"}"));
        assertThat(events.get(1).event().get("channel").asText()).isEqualTo("web");
        assertThat(events.get(1).event().get("identifiers")).isEqualTo(json("{\"email\": \"bob@example.com\"}"));
    }

    @Test
    void aMessageWithoutMessageIdIsRefusedWithItsReason_theOthersTranslated() {
        List<TranslatedEvent> events = translator.batch(json("""
                {"batch": [
                   {"type": "track", "event": "Open", "userId": "u-1"},
                   {"type": "track", "event": "Open", "userId": "u-1", "messageId": "  "},
                   {"type": "track", "event": "Open", "userId": "u-1", "messageId": "m-3"}]}
                """), 10, RECEIVED);
        assertThat(events).extracting(TranslatedEvent::translated).containsExactly(false, false, true);
        assertThat(events.get(0).event()).isNull();
        assertThat(events.get(0).refusals()).singleElement().satisfies(error -> {
            assertThat(error.field()).isEqualTo("messageId");
            assertThat(error.code()).isEqualTo("required");
            assertThat(error.message()).contains("idempotency", "retry");
        });
    }

    @Test
    void whatIsNotAnObjectWhereOneIsReadIsRefused_otherValuesAreCopiedForPortraitsCheckToName() {
        List<TranslatedEvent> events = translator.batch(json("""
                {"batch": [
                   "not a message",
                   {"type": "identify", "messageId": "m-2", "userId": "u-1", "traits": "Ann", "context": []},
                   {"type": 7, "messageId": "m-3", "userId": {"id": 1}, "properties": "x"}]}
                """), 10, RECEIVED);
        assertThat(events.get(0).refusals()).extracting(e -> e.code()).containsExactly("invalid_type");
        assertThat(events.get(1).messageId()).isEqualTo("m-2");
        assertThat(events.get(1).refusals()).extracting(e -> e.field()).containsExactly("context", "traits");
        assertThat(events.get(2).event()).isEqualTo(json("""
                {"messageId": "m-3", "type": 7, "channel": "web", "source": "segment-compat",
                 "identifiers": {"user_id": {"id": 1}}, "properties": "x"}
                """));
    }

    @Test
    void aBodyThatIsNoBatchIsAFormatError() {
        assertThatThrownBy(() -> translator.batch(json("[]"), 10, RECEIVED)).isInstanceOf(BatchFormatException.class)
                .hasMessageContaining("\"batch\" array");
        assertThatThrownBy(() -> translator.batch(json("{\"events\": []}"), 10, RECEIVED))
                .hasMessageContaining("Field \"batch\" must be an array");
        assertThatThrownBy(() -> translator.batch(json("{\"batch\": []}"), 10, RECEIVED)).hasMessageContaining("empty");
        assertThatThrownBy(() -> translator.batch(json("{\"batch\": [{}], \"context\": 1}"), 10, RECEIVED))
                .hasMessageContaining("\"context\" must be an object");
        assertThatThrownBy(() -> translator.batch(json("{\"batch\": [{}, {}, {}]}"), 2, RECEIVED))
                .isInstanceOfSatisfying(BatchFormatException.class, e ->
                        assertThat(e.reason()).isEqualTo(BatchFormatException.Reason.TOO_MANY_EVENTS));
        assertThatThrownBy(() -> translator.single(json("[{}]"), "track", RECEIVED))
                .hasMessageContaining("one message object");
    }

    @Test
    void aDefaultChannelPortraitDoesNotKnowIsRefusedAtStart() {
        assertThatThrownBy(() -> new SegmentTranslator("server", "segment-compat"))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining("default-channel is 'server'")
                .hasMessageContaining("mini_program");
        assertThatThrownBy(() -> new SegmentTranslator("web", " ")).hasMessageContaining("source");
    }
}
