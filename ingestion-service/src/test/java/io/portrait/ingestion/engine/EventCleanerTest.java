package io.portrait.ingestion.engine;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.portrait.common.identifier.IdentifierNormalizer;
import io.portrait.common.money.WorkspaceCurrencies;
import io.portrait.ingestion.domain.CleanedEvent;
import io.portrait.ingestion.domain.CleanedIdentifier;
import io.portrait.proto.event.v1.Identifier;
import io.portrait.proto.ingestion.v1.CollectedEvent;
import io.portrait.proto.ingestion.v1.EventRule;
import io.portrait.proto.ingestion.v1.FieldError;
import io.portrait.proto.ingestion.v1.PropertyRule;
import io.portrait.proto.ingestion.v1.TrackingPlan;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.tuple;
import static org.junit.jupiter.params.provider.Arguments.arguments;

class EventCleanerTest {

    private static final Instant RECEIVED = Instant.parse("2026-03-01T12:00:00.123456Z");
    private static final Instant RECEIVED_MILLIS = Instant.parse("2026-03-01T12:00:00.123Z");

    private final EventCleaner cleaner = new EventCleaner(
            new IdentifierNormalizer("CN", List.of(Pattern.compile("^test-.*"))), Duration.ofMinutes(10),
            new AttributeCleaner("CNY"), 32 * 1024);

    /** A valid track event; each case changes one or a few things. */
    private static CollectedEvent.Builder valid() {
        return CollectedEvent.newBuilder()
                .setMessageId("m-1")
                .setType("track")
                .setName("Product Viewed")
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
                arguments("timestamp a placeholder no sink can store", edit(e -> e.setTimestamp("0001-01-01T00:00:00+08:00")),
                        List.of("timestamp:invalid_value")),
                arguments("timestamp before 1970", edit(e -> e.setTimestamp("1969-12-31T23:59:59Z")),
                        List.of("timestamp:invalid_value")),
                arguments("a NUL in a trait", edit(e -> e.setTraits(Struct.newBuilder().putFields("name", text("Lin\0")))),
                        List.of("traits.name:invalid_value")),
                arguments("a NUL in a nested property", edit(e -> e.setProperties(Struct.newBuilder()
                                .putFields("products", list(Struct.newBuilder().putFields("sku", text("S\0")).build())))),
                        List.of("properties.products[0].sku:invalid_value")),
                arguments("a NUL in an identifier", edit(e -> e.clearIdentifiers().addIdentifiers(id("user_id", "u\0"))),
                        List.of("identifiers[0].value:invalid_value")),
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
                arguments("event over 32 KB", edit(e -> e.setProperties(Struct.newBuilder()
                        .putFields("blob", text("x".repeat(33 * 1024))))), List.of(":too_large")),
                arguments("order without its id", edit(e -> e.setName("Order Completed")),
                        List.of("properties.orderId:required")),
                arguments("alias with one identifier", edit(e -> e.setType("alias")), List.of("identifiers:alias_needs_two")),
                arguments("configured blocked pattern is no usable identifier",
                        edit(e -> e.clearIdentifiers().addIdentifiers(id("user_id", "test-42"))),
                        List.of("identifiers:required")),
                arguments("unreadable gender, birthday and age", edit(e -> e.setTraits(Struct.newBuilder()
                                .putFields("gender", text("robot")).putFields("birthday", text("2099-01-01"))
                                .putFields("age", text("old")))),
                        List.of("traits.gender:invalid_value", "traits.birthday:invalid_value", "traits.age:invalid_value")),
                arguments("unreadable amount, quantity and currency", edit(e -> e.setProperties(Struct.newBuilder()
                                .putFields("revenue", text("a lot")).putFields("currency", text("XYZ"))
                                .putFields("products", list(Struct.newBuilder().putFields("sku", text("S"))
                                        .putFields("quantity", number(1.5)).build())))),
                        List.of("properties.revenue:invalid_value", "properties.currency:invalid_value",
                                "properties.products[0].quantity:invalid_value")),
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

    private static Value text(String text) {
        return Value.newBuilder().setStringValue(text).build();
    }

    private static Value number(double number) {
        return Value.newBuilder().setNumberValue(number).build();
    }

    private static Value list(Struct... items) {
        ListValue.Builder list = ListValue.newBuilder();
        for (Struct item : items) {
            list.addValues(Value.newBuilder().setStructValue(item));
        }
        return Value.newBuilder().setListValue(list).build();
    }

    @Test
    void carriesTraitsPropertiesAndConsent() {
        Struct properties = Struct.newBuilder()
                .putFields("orderId", text("o-1"))
                .putFields("revenue", number(12.5))
                .putFields("currency", text("CNY"))
                .build();
        Struct traits = Struct.newBuilder().putFields("name", text("Ann")).build();
        CollectedEvent event = valid().setName("Order Completed").setProperties(properties).setTraits(traits)
                .putConsent("personalization", true).putConsent("marketing", false).build();

        CleanedEvent cleaned = cleaner.clean(event, RECEIVED).event();

        assertThat(cleaned.event().getProperties()).isEqualTo(properties.toBuilder().putFields("revenue", text("12.5")).build());
        assertThat(cleaned.event().getTraits()).isEqualTo(traits);
        assertThat(cleaned.event().getConsentMap()).containsEntry("personalization", true).containsEntry("marketing", false);
        assertThat(cleaned.event().getMessageId()).isEqualTo("m-1");
        assertThat(cleaned.event().getName()).isEqualTo("Order Completed");
    }

    @Test
    void tidiesTextsTrimmedWithInnerRunsOfSpacesMadeOneButKeepsLineBreaks() {
        Struct products = Struct.newBuilder().putFields("sku", text("22423"))
                .putFields("name", text("HAND OVER THE CHOCOLATE   SIGN ")).build();
        CollectedEvent event = valid().setName("Order Completed")
                .setProperties(Struct.newBuilder().putFields("products", list(products))
                        .putFields("orderId", text("o-9"))
                        .putFields("note", text("  gift wrap,\tplease\nleave at the door  ")))
                .setTraits(Struct.newBuilder().putFields("name", text("张\u3000三")).putFields("city", text("   ")))
                .build();

        CleaningResult result = cleaner.clean(event, RECEIVED);
        assertThat(result.errors()).isEmpty();
        CleanedEvent cleaned = result.event();

        assertThat(cleaned.event().getProperties().getFieldsOrThrow("products").getListValue().getValues(0)
                .getStructValue().getFieldsOrThrow("name").getStringValue()).isEqualTo("HAND OVER THE CHOCOLATE SIGN");
        assertThat(cleaned.event().getProperties().getFieldsOrThrow("note").getStringValue())
                .isEqualTo("gift wrap, please\nleave at the door");
        assertThat(cleaned.event().getTraits().getFieldsOrThrow("name").getStringValue()).isEqualTo("张 三");
        assertThat(cleaned.event().getTraits().containsFields("city")).isFalse();
    }

    @ParameterizedTest(name = "gender {0} -> {1}")
    @CsvSource({"男, male", "女, female", "M, male", "f, female", "Male, male", "FEMALE, female", "1, male", "2, female",
            "女士, female", "0, unknown", "保密, unknown", "other, other"})
    void normalizesGender(String sent, String expected) {
        CleaningResult result = cleaner.clean(valid().setTraits(Struct.newBuilder().putFields("gender", text(sent))).build(),
                RECEIVED);

        assertThat(result.errors()).isEmpty();
        assertThat(result.event().event().getTraits().getFieldsOrThrow("gender").getStringValue()).isEqualTo(expected);
    }

    @Test
    void readsAGenderSentAsANumber() {
        CleaningResult result = cleaner.clean(valid().setTraits(Struct.newBuilder().putFields("gender", number(2))).build(),
                RECEIVED);

        assertThat(result.event().event().getTraits().getFieldsOrThrow("gender").getStringValue()).isEqualTo("female");
    }

    @ParameterizedTest(name = "birthday {0} -> {1}")
    @CsvSource({"1990-04-01, 1990-04-01", "1990/4/1, 1990-04-01", "1990.04.01, 1990-04-01", "19900401, 1990-04-01",
            "1990年4月1日, 1990-04-01", "1990-04-01T23:30:00-02:00, 1990-04-01",
            "1990-04-01T00:00:00+08:00, 1990-04-01"})
    void normalizesBirthdays(String sent, String expected) {
        CleaningResult result = cleaner.clean(valid().setTraits(Struct.newBuilder().putFields("birthday", text(sent))).build(),
                RECEIVED);

        assertThat(result.errors()).isEmpty();
        assertThat(result.event().event().getTraits().getFieldsOrThrow("birthday").getStringValue()).isEqualTo(expected);
    }

    @ParameterizedTest(name = "age {0} -> {1}")
    @CsvSource({"30, 30", "30岁, 30", "' 41 years ', 41", "0, 0"})
    void normalizesAges(String sent, int expected) {
        CleaningResult result = cleaner.clean(valid().setTraits(Struct.newBuilder().putFields("age", text(sent))).build(),
                RECEIVED);

        assertThat(result.errors()).isEmpty();
        assertThat(result.event().event().getTraits().getFieldsOrThrow("age").getNumberValue()).isEqualTo(expected);
    }

    @Test
    void anAmountWithoutACurrencyGetsItsWorkspacesOwn() {
        EventCleaner brands = new EventCleaner(IdentifierNormalizer.withDefaults(), Duration.ofMinutes(10),
                new AttributeCleaner(new WorkspaceCurrencies("portrait.ingestion", "CNY", Map.of("uk-shop", "GBP"))),
                32 * 1024);
        CollectedEvent order = valid().setName("Order Completed").setProperties(Struct.newBuilder()
                .putFields("orderId", text("o-1")).putFields("revenue", text("20")).build()).build();

        assertThat(brands.clean("uk-shop", order, RECEIVED, null).event().event().getProperties()
                .getFieldsOrThrow("currency").getStringValue()).isEqualTo("GBP");
        assertThat(brands.clean("cn-shop", order, RECEIVED, null).event().event().getProperties()
                .getFieldsOrThrow("currency").getStringValue()).isEqualTo("CNY");
    }

    @ParameterizedTest(name = "amount {0} -> {1}")
    @CsvSource({"'1,299.00', 1299.00", "¥88, 88", "' 19.99 ', 19.99", "RMB 5.5, 5.5", "-3, -3"})
    void readsAmountsAsExactDecimalsWithTheDefaultCurrency(String sent, String expected) {
        Struct properties = Struct.newBuilder().putFields("orderId", text("o-1")).putFields("revenue", text(sent))
                .putFields("products", list(Struct.newBuilder().putFields("sku", text("TEA-01"))
                        .putFields("price", number(19.99)).putFields("quantity", text("2")).build()))
                .build();

        CleaningResult result = cleaner.clean(valid().setName("Order Completed").setProperties(properties).build(), RECEIVED);

        assertThat(result.errors()).isEmpty();
        Struct cleaned = result.event().event().getProperties();
        assertThat(cleaned.getFieldsOrThrow("revenue").getStringValue()).isEqualTo(expected);
        assertThat(cleaned.getFieldsOrThrow("currency").getStringValue()).isEqualTo("CNY");
        Struct line = cleaned.getFieldsOrThrow("products").getListValue().getValues(0).getStructValue();
        assertThat(line.getFieldsOrThrow("price").getStringValue()).isEqualTo("19.99");
        assertThat(line.getFieldsOrThrow("quantity").getNumberValue()).isEqualTo(2);
    }

    /** A decimal comma cannot be told from a thousands separator: refused, never guessed. */
    @ParameterizedTest(name = "amount {0} is refused")
    @CsvSource({"'12,50'", "'1.299,00'", "'1,29'", "'12.5.0'", "'ten'"})
    void refusesAmountsItWouldHaveToGuess(String sent) {
        Struct properties = Struct.newBuilder().putFields("revenue", text(sent)).build();

        CleaningResult result = cleaner.clean(valid().setProperties(properties).build(), RECEIVED);

        assertThat(result.errors()).extracting(FieldError::getField, FieldError::getCode)
                .containsExactly(tuple("properties.revenue", "invalid_value"));
    }

    @Test
    void anAmountWrittenInACurrencyGivesTheEventItsCurrencyAndMustAgreeWithANamedOne() {
        CleaningResult dollars = cleaner.clean(valid().setProperties(Struct.newBuilder()
                .putFields("revenue", text("$88")).build()).build(), RECEIVED);
        assertThat(dollars.errors()).isEmpty();
        assertThat(dollars.event().event().getProperties().getFieldsOrThrow("currency").getStringValue())
                .isEqualTo("USD");

        CleaningResult conflicting = cleaner.clean(valid().setProperties(Struct.newBuilder()
                .putFields("revenue", text("USD 12")).putFields("currency", text("CNY")).build()).build(), RECEIVED);
        assertThat(conflicting.errors()).extracting(FieldError::getField, FieldError::getCode)
                .containsExactly(tuple("properties.revenue", "currency_mismatch"));
    }

    @Test
    void aSignSeveralCurrenciesShareAgreesWithEachOfThem() {
        for (String[] sent : new String[][]{{"$88", "HKD"}, {"$88", "SGD"}, {"¥1000", "JPY"}, {"￥1000", "CNY"}}) {
            CleaningResult result = cleaner.clean(valid().setProperties(Struct.newBuilder()
                    .putFields("revenue", text(sent[0])).putFields("currency", text(sent[1])).build()).build(), RECEIVED);
            assertThat(result.errors()).as(sent[0] + " in " + sent[1]).isEmpty();
        }
        CleaningResult yenAsDollars = cleaner.clean(valid().setProperties(Struct.newBuilder()
                .putFields("revenue", text("¥1000")).putFields("currency", text("USD")).build()).build(), RECEIVED);
        assertThat(yenAsDollars.errors()).extracting(FieldError::getCode).containsExactly("currency_mismatch");

        // Without a named currency, "$" is the workspace's dollar, and USD where the workspace has none.
        EventCleaner shops = new EventCleaner(IdentifierNormalizer.withDefaults(), Duration.ofMinutes(10),
                new AttributeCleaner(new WorkspaceCurrencies("portrait.ingestion", "CNY", Map.of("hk-shop", "HKD"))),
                32 * 1024);
        CollectedEvent dollars = valid().setProperties(Struct.newBuilder().putFields("revenue", text("$88"))
                .putFields("price", text("$5")).build()).build();
        assertThat(shops.clean("hk-shop", dollars, RECEIVED, null).event().event().getProperties()
                .getFieldsOrThrow("currency").getStringValue()).isEqualTo("HKD");
        assertThat(shops.clean("cn-shop", dollars, RECEIVED, null).event().event().getProperties()
                .getFieldsOrThrow("currency").getStringValue()).isEqualTo("USD");
    }

    @ParameterizedTest(name = "currency {0} -> {1}")
    @CsvSource({"usd, USD", "RMB, CNY", "¥, CNY", "' eur ', EUR"})
    void normalizesCurrencies(String sent, String expected) {
        Struct properties = Struct.newBuilder().putFields("revenue", number(5)).putFields("currency", text(sent)).build();

        CleaningResult result = cleaner.clean(valid().setProperties(properties).build(), RECEIVED);

        assertThat(result.event().event().getProperties().getFieldsOrThrow("currency").getStringValue()).isEqualTo(expected);
    }

    @Test
    void treatsEmptyStringsAsMissing() {
        Struct traits = Struct.newBuilder().putFields("name", text(" ")).putFields("gender", text(""))
                .putFields("address", Value.newBuilder().setStructValue(Struct.newBuilder()
                        .putFields("city", text("")).putFields("country", text("CN"))).build())
                .build();

        CleaningResult result = cleaner.clean(valid().setTraits(traits).build(), RECEIVED);

        assertThat(result.errors()).isEmpty();
        Struct cleaned = result.event().event().getTraits();
        assertThat(cleaned.getFieldsMap()).containsOnlyKeys("address");
        assertThat(cleaned.getFieldsOrThrow("address").getStructValue().getFieldsMap()).containsOnlyKeys("country");
    }

    @ParameterizedTest(name = "timestamp {0}")
    @CsvSource({"2026-03-01 18:00:00+08:00", "1772359200000", "2026-03-01T18:00:00+0800", "2026-03-01T18:00:00.000+0800"})
    void readsOtherTimestampSpellings(String sent) {
        CleaningResult result = cleaner.clean(valid().setTimestamp(sent).build(), RECEIVED);

        assertThat(result.errors()).isEmpty();
        assertThat(result.event().event().getTimestamp().getSeconds())
                .isEqualTo(Instant.parse("2026-03-01T10:00:00Z").getEpochSecond());
    }

    @Test
    void checksTheTrackingPlanOfTheSource() {
        TrackingPlan plan = TrackingPlan.newBuilder().setSource("shop").addEvents(EventRule.newBuilder()
                        .setEvent("Product Viewed")
                        .addProperties(PropertyRule.newBuilder().setName("sku").setType("string").setRequired(true))
                        .addProperties(PropertyRule.newBuilder().setName("price").setType("number")))
                .build();

        CleaningResult missing = cleaner.clean(valid().build(), RECEIVED, plan);
        CleaningResult wrongType = cleaner.clean(valid().setProperties(Struct.newBuilder()
                .putFields("sku", number(7)).putFields("price", text("12.5"))).build(), RECEIVED, plan);
        CleaningResult unplanned = cleaner.clean(valid().setName("Coupon Used").build(), RECEIVED, plan);
        CleaningResult allowed = cleaner.clean(valid().setName("Coupon Used").build(), RECEIVED,
                plan.toBuilder().setAllowUnplannedEvents(true).build());
        CleaningResult fits = cleaner.clean(valid().setProperties(Struct.newBuilder()
                .putFields("sku", text("S-1")).putFields("price", number(3))).build(), RECEIVED, plan);

        assertThat(missing.errors()).extracting(e -> e.getField() + ":" + e.getCode())
                .containsExactly("properties.sku:missing_property");
        assertThat(wrongType.errors()).extracting(e -> e.getField() + ":" + e.getCode())
                .containsExactly("properties.sku:wrong_type");
        assertThat(unplanned.errors()).extracting(FieldError::getCode).containsExactly("unplanned_event");
        assertThat(allowed.accepted()).isTrue();
        assertThat(fits.accepted()).isTrue();
    }

    @Test
    void aBooleanThePlanDeclaresMayComeAsTextAsEveryCellOfACsvDoes() {
        TrackingPlan plan = TrackingPlan.newBuilder().setSource("shop").addEvents(EventRule.newBuilder()
                        .setEvent("Product Viewed")
                        .addProperties(PropertyRule.newBuilder().setName("in_stock").setType("boolean"))
                        .addProperties(PropertyRule.newBuilder().setName("gift").setType("boolean")))
                .build();

        CleaningResult text = cleaner.clean(valid().setProperties(Struct.newBuilder()
                .putFields("in_stock", text(" TRUE ")).putFields("gift", text("否"))).build(), RECEIVED, plan);
        CleaningResult unreadable = cleaner.clean(valid().setProperties(Struct.newBuilder()
                .putFields("in_stock", text("perhaps"))).build(), RECEIVED, plan);

        assertThat(text.errors()).isEmpty();
        Struct properties = text.event().event().getProperties();
        assertThat(properties.getFieldsOrThrow("in_stock").getBoolValue()).isTrue();
        assertThat(properties.getFieldsOrThrow("gift").hasBoolValue()).isTrue();
        assertThat(properties.getFieldsOrThrow("gift").getBoolValue()).isFalse();
        assertThat(unreadable.errors()).extracting(e -> e.getField() + ":" + e.getCode())
                .containsExactly("properties.in_stock:wrong_type");
    }

    @Test
    void pageEventsNeedNoName() {
        CleaningResult result = cleaner.clean(valid().setType("page").setName("").build(), RECEIVED);

        assertThat(result.accepted()).isTrue();
        assertThat(result.event().event().getType()).isEqualTo("page");
    }
}
