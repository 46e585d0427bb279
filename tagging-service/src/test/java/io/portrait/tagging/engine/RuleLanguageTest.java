package io.portrait.tagging.engine;

import io.portrait.tagging.engine.RuleNode.AggregateFunction;
import io.portrait.tagging.engine.RuleNode.All;
import io.portrait.tagging.engine.RuleNode.Any;
import io.portrait.tagging.engine.RuleNode.Did;
import io.portrait.tagging.engine.RuleNode.EventPattern;
import io.portrait.tagging.engine.RuleNode.FieldCondition;
import io.portrait.tagging.engine.RuleNode.Not;
import io.portrait.tagging.engine.RuleNode.PropertyCondition;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

class RuleLanguageTest {

    static final FieldCatalog CATALOG = FieldCatalog.standard(Map.of(
            "vip", ValueType.STRING, "interests", ValueType.LIST, "orders_90d", ValueType.NUMBER));

    @Test
    void textAndJsonParseToTheSameTree() {
        String text = """
                did "Order Completed" [channel = "app", revenue >= 100] last 30d
                and not tag.vip = "gold"
                and (trait.city in ["Shanghai", "Hangzhou"] or metric.days_since_last_seen <= 7)""";
        String json = """
                {"all": [
                  {"did": {"event": "Order Completed", "where": [
                      {"property": "channel", "op": "eq", "value": "app"},
                      {"property": "revenue", "op": "ge", "value": 100}]}, "lastDays": 30},
                  {"not": {"field": "tag.vip", "op": "eq", "value": "gold"}},
                  {"any": [
                    {"field": "trait.city", "op": "in", "value": ["Shanghai", "Hangzhou"]},
                    {"field": "metric.days_since_last_seen", "op": "le", "value": 7}]}]}""";

        RuleNode fromText = RuleText.parse(text, CATALOG);
        RuleNode fromJson = RuleJson.parse(json, CATALOG);

        assertThat(fromText).isEqualTo(fromJson);
        assertThat(fromText).isEqualTo(new All(List.of(
                new Did(false, new EventPattern("Order Completed", List.of(
                        new PropertyCondition("channel", RuleOp.EQ, new RuleValue.Text("app")),
                        new PropertyCondition("revenue", RuleOp.GE, new RuleValue.Number(100)))), null, null, 30),
                new Not(new FieldCondition("tag.vip", RuleOp.EQ, new RuleValue.Text("gold"))),
                new Any(List.of(
                        new FieldCondition("trait.city", RuleOp.IN, new RuleValue.ListOf(List.of(
                                new RuleValue.Text("Shanghai"), new RuleValue.Text("Hangzhou")))),
                        new FieldCondition("metric.days_since_last_seen", RuleOp.LE, new RuleValue.Number(7)))))));
    }

    @ParameterizedTest
    @ValueSource(strings = {
            "trait.city = \"Shanghai\"",
            "trait.age >= 18 and trait.age < 30.5",
            "not (tag.vip = \"gold\" or tag.vip = \"silver\")",
            "tag.interests contains \"tea\"",
            "trait.birthday exists",
            "trait.registered_at < \"2025-01-01T00:00:00Z\"",
            "trait.marketing_opt_in = true",
            "did not \"Order Completed\" last 90d",
            "did \"Product Added\" then \"Order Completed\" [revenue > 0] within 3d last 30d",
            "count(\"Order Completed\" [channel in [\"app\", \"mini_program\"]] last 30d) >= 3",
            "sum(revenue of \"Order Completed\" last 365d) > 1000",
            "avg(products.price of \"Order Completed\") >= 50.25",
            "distinct(products.category of \"Product Viewed\" last 30d) >= 5",
            "tag.orders_90d != -1 and trait.gender = \"f\\\"\\\\\\n\"",
            "trait.age = 1234567890123456",
            "trait.age < 0.12345678901234567",
            "trait.age > -98765432109876.54321",
            "trait.age < 1e300 and trait.age > 1e-300",
    })
    void formattingAndReparsingGivesTheSameTree(String text) {
        RuleNode tree = RuleText.parse(text, CATALOG);

        assertThat(RuleText.parse(RuleText.format(tree), CATALOG)).isEqualTo(tree);
        assertThat(RuleJson.parse(RuleJson.write(tree), CATALOG)).isEqualTo(tree);
    }

    /** Rule literals print exactly as the double they hold, unlike tag values, which keep 15 significant digits. */
    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "trait.age = 1234567890123456|trait.age = 1234567890123456",
            "trait.age = 0.12345678901234567|trait.age = 0.12345678901234566",
            "trait.age = 1e300|trait.age = 1E+300",
            "trait.age = 2.50|trait.age = 2.5",
            "trait.age = -0.000001|trait.age = -0.000001",
    })
    void literalsPrintExactly(String text, String printed) {
        assertThat(RuleText.format(RuleText.parse(text, CATALOG))).isEqualTo(printed);
    }

    /**
     * The stored JSON of a rule given in the text form may be longer than the text (a segment or tag value of 99
     * conditions): it is read back without the limit on what a caller may send.
     */
    @Test
    void aStoredRuleLongerThanTheInputLimitIsReadBack() {
        List<String> cities = new java.util.ArrayList<>();
        for (int i = 0; i < 99; i++) {
            cities.add("trait.city = \"" + String.format("%040d", i) + "\"");
        }
        String text = String.join(" or ", cities);
        RuleNode rule = RuleText.parse(text, CATALOG);
        String stored = RuleJson.write(rule);
        assertThat(text.length()).isLessThanOrEqualTo(RuleLimits.MAX_SOURCE_LENGTH);
        assertThat(stored.length()).isGreaterThan(RuleLimits.MAX_SOURCE_LENGTH);

        assertThat(RuleJson.parseStored(stored, CATALOG)).isEqualTo(rule);
        assertThat(SegmentRules.parseStored(stored, CATALOG)).isEqualTo(rule);
        String spec = TagSpecs.toJson(TagSpecs.parse("{\"kind\": \"rule\", \"values\": [{\"value\": \"far\", \"when\": "
                + new com.fasterxml.jackson.databind.ObjectMapper().valueToTree(text) + "}]}", CATALOG)).toString();
        assertThat(((TagSpec.RuleTag) TagSpecs.parse(spec, CATALOG)).values().get(0).when()).isEqualTo(rule);
    }

    @Test
    void andBindsTighterThanOr() {
        RuleNode tree = RuleText.parse("trait.age > 1 or trait.age > 2 and trait.age > 3", CATALOG);

        assertThat(tree).isInstanceOf(Any.class);
        assertThat(((Any) tree).children().get(1)).isInstanceOf(All.class);
    }

    @Test
    void aggregateKeepsItsFunctionAndWindow() {
        RuleNode.AggregateCondition condition = (RuleNode.AggregateCondition)
                RuleText.parse("max(revenue of \"Order Completed\" last 7d) > 10", CATALOG);

        assertThat(condition.aggregate().fn()).isEqualTo(AggregateFunction.MAX);
        assertThat(condition.aggregate().property()).isEqualTo("revenue");
        assertThat(condition.aggregate().windowDays()).isEqualTo(7);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "trait.city = |line 1, column 13|expected a value",
            "trait.city = \"x\" and|line 1, column 21|expected a condition",
            "trait.nickname = \"x\"|line 1, column 1|unknown trait 'nickname'",
            "tag.unknown exists|line 1, column 1|unknown tag 'unknown'",
            "city = \"x\"|line 1, column 1|expected a field such as trait.city",
            "profile.city = \"x\"|line 1, column 1|'profile.city' is not a field",
            "trait.age > \"old\"|line 1, column 1|'trait.age' is compared with a number",
            "trait.city > \"a\"|line 1, column 1|> needs a number or a time",
            "trait.registered_at < \"yesterday\"|line 1, column 1|'trait.registered_at' is compared with a time",
            "tag.interests = \"tea\"|line 1, column 1|'tag.interests' is a list: use contains",
            "trait.city in \"x\"|line 1, column 1|in needs a non-empty list",
            "trait.age exists 3|line 1, column 18|expected 'and', 'or' or the end",
            "did \"Order Completed\" [colour = \"red\"]|line 1, column 24|unknown event property 'colour'",
            "did \"Order Completed\" last 0d|line 1, column 28|days must be between 1 and 3650",
            "did \"Order Completed\" last 30|line 1, column 28|expected a number of days",
            "did \"A\" then \"B\"|line 1, column 17|expected 'within'",
            "sum(\"Order Completed\") > 1|line 1, column 1|sum needs a property",
            "sum(channel of \"Order Completed\") > 1|line 1, column 1|sum needs a number property",
            "count(\"Order Completed\") > \"3\"|line 1, column 1|'count' is compared with a number",
            "did \"\"|line 1, column 5|the event name is empty",
            "trait.city = \"x|line 1, column 14|unterminated string",
            "trait.city = \"x\" && trait.age > 1|line 1, column 18|unexpected character '&'",
            "(trait.age > 1|line 1, column 15|expected ')'",
    })
    void errorsPointAtThePosition(String text, String position, String reason) {
        RuleException error = catchThrowableOfType(RuleException.class, () -> RuleText.parse(text, CATALOG));

        assertThat(error).as("no error for %s", text).isNotNull();
        assertThat(error.position()).isEqualTo(position);
        assertThat(error.reason()).startsWith(reason);
    }

    @Test
    void positionsCountLines() {
        RuleException error = catchThrowableOfType(RuleException.class,
                () -> RuleText.parse("trait.age > 1 and\n  trait.age > 1e999", CATALOG));

        assertThat(error.position()).isEqualTo("line 2, column 15");
        assertThat(error.reason()).isEqualTo("number out of range");
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', value = {
            "{\"all\": [{\"field\": \"trait.city\", \"op\": \"eq\", \"value\": 1}, {\"field\": \"trait.age\", \"op\": \"gt\", \"value\": 1}]}|$.all[0]|'trait.city' is compared with a string",
            "{\"any\": [{\"field\": \"trait.age\", \"op\": \"gt\", \"value\": 1}]}|$|needs at least two conditions",
            "{\"not\": {\"field\": \"trait.age\", \"op\": \"between\", \"value\": 1}}|$.not.op|expected eq, ne",
            "{\"did\": {\"event\": \"A\", \"where\": [{\"property\": \"colour\", \"op\": \"eq\", \"value\": \"red\"}]}}|$.did.where[0]|unknown event property 'colour'",
            "{\"did\": {\"event\": \"A\"}, \"then\": {\"event\": \"B\"}}|$|then and withinDays go together",
            "{\"field\": \"trait.age\", \"op\": \"gt\", \"value\": 1, \"script\": \"x\"}|$|unexpected key 'script'",
            "{\"aggregate\": \"median\", \"of\": {\"event\": \"A\"}, \"op\": \"gt\", \"value\": 1}|$.aggregate|expected count, sum",
            "{\"field\": \"trait.age\", \"op\": \"gt\", \"value\": {\"x\": 1}}|$.value|expected text, a number or a boolean",
            "{\"field\": \"trait.age\", \"op\": \"gt\" \"value\": 1}|line 1, column 35|not valid JSON",
            "[1]|$|expected an object",
    })
    void jsonErrorsNameThePath(String json, String position, String reason) {
        RuleException error = catchThrowableOfType(RuleException.class, () -> RuleJson.parse(json, CATALOG));

        assertThat(error).as("no error for %s", json).isNotNull();
        assertThat(error.position()).isEqualTo(position);
        assertThat(error.reason()).startsWith(reason);
    }

    @Test
    void rejectsRulesNestedTooDeep() {
        String text = "not ".repeat(RuleLimits.MAX_DEPTH + 1) + "trait.age > 1";
        String json = "{\"not\": ".repeat(RuleLimits.MAX_DEPTH + 1)
                + "{\"field\": \"trait.age\", \"op\": \"gt\", \"value\": 1}" + "}".repeat(RuleLimits.MAX_DEPTH + 1);

        assertThat(catchThrowableOfType(RuleException.class, () -> RuleText.parse(text, CATALOG)).reason())
                .isEqualTo("nested deeper than 10 levels");
        assertThat(catchThrowableOfType(RuleException.class, () -> RuleJson.parse(json, CATALOG)).reason())
                .isEqualTo("nested deeper than 10 levels");
        assertThat(RuleText.parse("not ".repeat(RuleLimits.MAX_DEPTH) + "trait.age > 1", CATALOG))
                .isInstanceOf(Not.class);
    }

    @Test
    void rejectsRulesWithTooManyConditions() {
        String text = String.join(" or ", java.util.Collections.nCopies(RuleLimits.MAX_NODES, "trait.age > 1"));

        assertThat(catchThrowableOfType(RuleException.class, () -> RuleText.parse(text, CATALOG)).reason())
                .isEqualTo("more than 100 conditions");
    }

    @Test
    void rejectsOversizedSources() {
        String text = "trait.city = \"" + "x".repeat(RuleLimits.MAX_SOURCE_LENGTH) + "\"";

        assertThat(catchThrowableOfType(RuleException.class, () -> RuleText.parse(text, CATALOG)).reason())
                .startsWith("the rule is longer than");
        assertThat(catchThrowableOfType(RuleException.class, () -> RuleJson.parse(text, CATALOG)).reason())
                .startsWith("the rule is longer than");
    }

    @Test
    void treesBuiltInCodeAreValidatedWithPaths() {
        RuleNode tree = new All(List.of(
                new FieldCondition("trait.age", RuleOp.GT, new RuleValue.Number(1)),
                new FieldCondition("trait.age", RuleOp.EXISTS, new RuleValue.Number(1))));

        RuleException error = catchThrowableOfType(RuleException.class, () -> RuleValidator.validate(tree, CATALOG));

        assertThat(error.position()).isEqualTo("$.all[1]");
        assertThat(error.reason()).isEqualTo("exists takes no value");
    }
}
