package io.portrait.identity.engine;

import io.portrait.identity.engine.linkage.FellegiSunter;
import io.portrait.identity.engine.linkage.PersonRecord;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ProbabilisticMatcherTest {

    private static final Instant NOW = Instant.parse("2025-03-10T12:00:00Z");

    /** The shipped priors (application.properties), rounded as there. */
    private static final Map<String, double[]> M = Map.of(
            "given_name", new double[] {0.15, 0.26, 0.59},
            "surname", new double[] {0.11, 0.32, 0.57},
            "date_of_birth", new double[] {0.065, 0.027, 0.908},
            "street_number", new double[] {0.195, 0.001, 0.804},
            "address_1", new double[] {0.105, 0.382, 0.513},
            "suburb", new double[] {0.089, 0.271, 0.64},
            "postcode", new double[] {0.029, 0.207, 0.764},
            "state", new double[] {0.059, 0.001, 0.94},
            "id_number", new double[] {0.066, 0.074, 0.86},
            "phone", new double[] {0.095, 0.17, 0.735});
    private static final Map<String, double[]> U = Map.of(
            "given_name", new double[] {0.88, 0.05, 0.07},
            "surname", new double[] {0.49, 0.14, 0.37},
            "date_of_birth", new double[] {0.94, 0.001, 0.059},
            "street_number", new double[] {0.979, 0.001, 0.02},
            "address_1", new double[] {0.984, 0.01, 0.006},
            "suburb", new double[] {0.876, 0.002, 0.122},
            "postcode", new double[] {0.859, 0.01, 0.131},
            "state", new double[] {0.794, 0.001, 0.205},
            "id_number", new double[] {0.998, 0.001, 0.001},
            "phone", new double[] {0.998, 0.001, 0.001});

    private static final ProbabilisticMatcher MATCHER = new ProbabilisticMatcher(0.01, M, U, 0.99, 0.5);

    private static final PersonTraits TRAITS = new PersonTraits(Map.of("given_name", "given_name",
            "surname", "surname", "date_of_birth", "birthday", "street_number", "street_number",
            "address_1", "address", "suburb", "city", "postcode", "postcode", "phone", "phone"));

    private static final PersonRecord LIN = TRAITS.record("lin", Map.of("given_name", "Lin", "surname", "Wei",
            "birthday", "1990-03-15", "street_number", "12", "address", "nanjing road", "city", "Shanghai",
            "postcode", "200001", "phone", "139-1234-5678"));

    /** Each case: the new person's traits (name:value pairs) and the decision against LIN. */
    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            // Same person, address abbreviated and a date typed differently: far above the upper threshold.
            "given_name=lin;surname=wei;birthday=19900315;street_number=12;address=nanjing rd;city=shanghai;postcode=200001 | MATCH",
            // Name, birth date and postcode agree, nothing else known: likely, not sure.
            "given_name=Lin;surname=Wei;birthday=1990-03-15;postcode=200001 | REVIEW",
            // Same name only: common, says little.
            "given_name=Lin;surname=Wei | NON_MATCH",
            // Same name, another birth date and address.
            "given_name=Lin;surname=Wei;birthday=1972-11-02;street_number=7;address=huaihai road;postcode=200031 | NON_MATCH",
            // Name and phone agree (one written with the country code): likely, not sure.
            "given_name=Lin;surname=Wei;phone=+86 139 1234 5678 | REVIEW",
            // Name, birth date and the last four digits a till kept: the fragment tips it into a match.
            "given_name=Lin;surname=Wei;birthday=1990-03-15;phone=5678 | MATCH",
            // The same with four digits that do not end her number: not her.
            "given_name=Lin;surname=Wei;birthday=1990-03-15;phone=1234 | NON_MATCH"})
    void decidesByTheWeightOfTheEvidence(String traits, FellegiSunter.Decision expected) {
        Map<String, String> values = new java.util.HashMap<>();
        for (String pair : traits.split(";")) {
            String[] parts = pair.split("=", 2);
            values.put(parts[0], parts[1]);
        }
        PersonRecord person = TRAITS.record("new", values);

        ProbabilisticMatcher.Candidate candidate = MATCHER.rank(person, Map.of(UUID.randomUUID(), LIN)).get(0);

        assertThat(candidate.decision()).as("score %s", candidate.score()).isEqualTo(expected);
    }

    @Test
    void ranksBestFirstAndReportsTheAgreementOfEveryComparison() {
        UUID same = UUID.randomUUID();
        UUID other = UUID.randomUUID();
        PersonRecord person = TRAITS.record("new", Map.of("given_name", "lin", "surname", "wei",
                "birthday", "19900351", "postcode", "200001"));
        PersonRecord stranger = TRAITS.record("x", Map.of("given_name", "Mei", "surname", "Chen",
                "birthday", "19851201", "postcode", "100001"));

        List<ProbabilisticMatcher.Candidate> ranked = MATCHER.rank(person, Map.of(other, stranger, same, LIN));

        assertThat(ranked).extracting(ProbabilisticMatcher.Candidate::profileId).containsExactly(same, other);
        assertThat(ranked.get(0).agreement()).containsExactly(
                Map.entry("given_name", "agree"), Map.entry("surname", "agree"),
                Map.entry("date_of_birth", "close"), Map.entry("street_number", "missing"),
                Map.entry("address_1", "missing"), Map.entry("suburb", "missing"), Map.entry("postcode", "agree"),
                Map.entry("state", "missing"), Map.entry("id_number", "missing"), Map.entry("phone", "missing"));
        assertThat(ranked.get(1).decision()).isEqualTo(FellegiSunter.Decision.NON_MATCH);
    }

    @Test
    void phonesAreComparedAsPhoneNumbersNotAsCodes() {
        Map<String, String> nameAndBirth = Map.of("given_name", "Lin", "surname", "Wei", "birthday", "1990-03-15");
        Map<String, String> withFragment = new java.util.HashMap<>(nameAndBirth);
        withFragment.put("phone", "5678");
        Map<String, String> withPrefix = new java.util.HashMap<>(nameAndBirth);
        withPrefix.put("phone", "+86 139 1234 5678");

        ProbabilisticMatcher.Candidate without = rankAgainstLin(nameAndBirth);
        ProbabilisticMatcher.Candidate fragment = rankAgainstLin(withFragment);
        ProbabilisticMatcher.Candidate prefixed = rankAgainstLin(withPrefix);

        // A till's last four digits are close (a code comparison would call them different: too short).
        assertThat(fragment.agreement()).containsEntry("phone", "close").containsEntry("id_number", "missing");
        assertThat(fragment.score()).isGreaterThan(without.score());
        assertThat(without.decision()).isEqualTo(FellegiSunter.Decision.REVIEW);
        // The same national number with a country code agrees, and weighs more than a fragment.
        assertThat(prefixed.agreement()).containsEntry("phone", "agree");
        assertThat(prefixed.score()).isGreaterThan(fragment.score());
    }

    private static ProbabilisticMatcher.Candidate rankAgainstLin(Map<String, String> traits) {
        return MATCHER.rank(TRAITS.record("new", traits), Map.of(UUID.randomUUID(), LIN)).get(0);
    }

    @Test
    void aComparisonWithoutPriorsIsNoEvidence() {
        ProbabilisticMatcher namesOnly = new ProbabilisticMatcher(0.01,
                Map.of("given_name", M.get("given_name")), Map.of("given_name", U.get("given_name")), 0.99, 0.5);
        PersonRecord twin = TRAITS.record("twin", Map.of("given_name", "Lin", "surname", "Wei",
                "birthday", "1990-03-15", "street_number", "12", "address", "nanjing road", "city", "Shanghai",
                "postcode", "200001"));

        double score = namesOnly.rank(twin, Map.of(UUID.randomUUID(), LIN)).get(0).score();

        // Prior odds 1:99 times the given name's 0.59/0.07 only.
        assertThat(score).isCloseTo(0.01 * 0.59 / (0.01 * 0.59 + 0.99 * 0.07), org.assertj.core.api.Assertions.within(1e-9));
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "0.5 | 0.9 | 0.01 | given_name | 0.15,0.26,0.59 | thresholds",
            "0.99 | 0.5 | 0 | given_name | 0.15,0.26,0.59 | prior",
            "0.99 | 0.5 | 0.01 | given_name | 0.5,0.6 | three probabilities",
            "0.99 | 0.5 | 0.01 | given_name | 0.5,0.6,0.7 | add up to 1",
            "0.99 | 0.5 | 0.01 | nickname | 0.15,0.26,0.59 | unknown comparison"})
    void refusesAModelThatCannotBeRight(double upper, double lower, double prior, String field, String m,
                                        String message) {
        double[] levels = java.util.Arrays.stream(m.split(",")).mapToDouble(Double::parseDouble).toArray();

        assertThatThrownBy(() -> new ProbabilisticMatcher(prior, Map.of(field, levels),
                Map.of(field, new double[] {0.8, 0.1, 0.1}), upper, lower))
                .isInstanceOf(IllegalArgumentException.class)
                .hasMessageContaining(message);
    }

    @Test
    void personTraitsReduceDatesAndPhonesToDigits() {
        PersonRecord person = TRAITS.record("p", Map.of("birthday", "1990-03-15", "phone", "+86 139-1234-5678",
                "given_name", "  Lin ", "nickname", "L"));

        assertThat(person.dateOfBirth()).isEqualTo("19900315");
        assertThat(person.phone()).isEqualTo("8613912345678");
        assertThat(person.givenName()).isEqualTo("lin");
        assertThat(TRAITS.describesAPerson(Map.of("nickname", "L", "vip", "true"))).isFalse();
        assertThat(TRAITS.describesAPerson(Map.of("surname", "Wei"))).isTrue();
        assertThatThrownBy(() -> new PersonTraits(Map.of("nick_name", "nickname")))
                .hasMessageContaining("unknown linkage field");
    }

    @Test
    void twoValuesOfAUniqueTypeNeverMerge() {
        IdentityRules rules = new IdentityRules(Map.of(
                "user_id", new TypeRule(100, true, Optional.empty(), Set.of(), List.of()),
                "email", new TypeRule(80, false, Optional.of(IdentifierLimit.parse("2 ever")), Set.of(), List.of())));
        HeldIdentifier alice = held("user_id", 1);
        HeldIdentifier bob = held("user_id", 2);

        assertThat(rules.allowsMerge(List.of(alice), List.of(bob), NOW)).isFalse();
        assertThat(rules.allowsMerge(List.of(alice, held("email", 1)), List.of(alice, held("email", 2)), NOW)).isTrue();
        assertThat(rules.allowsMerge(List.of(held("email", 1), held("email", 2)), List.of(held("email", 3)), NOW))
                .as("three emails where two are allowed").isFalse();
        assertThat(rules.allowsMerge(List.of(alice), List.of(held("email", 3)), NOW)).isTrue();
    }

    private static HeldIdentifier held(String type, int value) {
        return new HeldIdentifier(IdentifierKey.of(type, new byte[] {(byte) value}), NOW);
    }
}
