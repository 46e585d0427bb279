package io.portrait.identity.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Pattern;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class IdentityRulesTest {

    private static final Instant NOW = Instant.parse("2025-03-10T12:00:00Z");

    /** The shape of the shipped defaults: a unique user id above limited emails and devices above cookies. */
    private static final IdentityRules RULES = new IdentityRules(Map.of(
            "user_id", new TypeRule(100, true, Optional.empty(), Set.of(), List.of()),
            "crm_id", new TypeRule(95, true, Optional.of(IdentifierLimit.parse("1 ever")), Set.of(), List.of()),
            "email", new TypeRule(80, false, Optional.of(IdentifierLimit.parse("2 ever")), Set.of("test@example.com"),
                    List.of(Pattern.compile(".*@mailinator\\.com"))),
            "device_id", new TypeRule(50, false, Optional.of(IdentifierLimit.parse("2 weekly")), Set.of(), List.of()),
            "anonymous_id", new TypeRule(10, false, Optional.empty(), Set.of(), List.of())));

    /**
     * Each case: the event's identifiers ({@code type:value}, in event order); who owns what already
     * ({@code type:value=P} with an optional {@code @days} before now, for when it was first seen); what is matched
     * on, what is demoted, and which profiles the event lands on.
     */
    static Stream<Arguments> decisions() {
        return Stream.of(
                Arguments.of("all new: one new profile, nothing demoted",
                        "user_id:u1 email:a anonymous_id:x", "",
                        "user_id:u1 email:a anonymous_id:x", "", ""),
                Arguments.of("one owner receives the rest",
                        "email:a anonymous_id:x", "email:a=P1",
                        "email:a anonymous_id:x", "", "P1"),
                Arguments.of("different user ids never merge: the device linking them is demoted",
                        "user_id:u2 device_id:d", "user_id:u1=P1 device_id:d=P1",
                        "user_id:u2", "device_id:d", ""),
                Arguments.of("different user ids never merge: the cookie of another profile is demoted",
                        "user_id:u2 anonymous_id:x", "user_id:u2=P2 user_id:u1=P1 anonymous_id:x=P1",
                        "user_id:u2", "anonymous_id:x", "P2"),
                Arguments.of("same user id on both sides merges",
                        "user_id:u1 email:a", "user_id:u1=P1 email:a=P2",
                        "user_id:u1 email:a", "", "P1 P2"),
                Arguments.of("a profile without a user id merges into one with it",
                        "user_id:u1 anonymous_id:x", "user_id:u1=P1 anonymous_id:x=P2 email:a=P2",
                        "user_id:u1 anonymous_id:x", "", "P1 P2"),
                Arguments.of("two user ids in one event: the later one is demoted",
                        "user_id:u1 user_id:u2", "",
                        "user_id:u1", "user_id:u2", ""),
                Arguments.of("unique type capped by a limit too",
                        "crm_id:c2 email:a", "crm_id:c1=P1 email:a=P1",
                        "crm_id:c2", "email:a", ""),
                Arguments.of("email limit 2 ever: the event's lowest-priority identifier goes, not the email",
                        "email:c anonymous_id:x", "email:a=P1 email:b=P1 anonymous_id:x=P1",
                        "email:c", "anonymous_id:x", ""),
                Arguments.of("email limit 2 ever: a third email is demoted when it is the lowest",
                        "user_id:u1 email:c", "user_id:u1=P1 email:a=P1 email:b=P1",
                        "user_id:u1", "email:c", "P1"),
                Arguments.of("email limit 2 ever: merging two profiles with two emails each is refused",
                        "email:a email:c", "email:a=P1 email:b=P1 email:c=P2 email:d=P2",
                        "email:a", "email:c", "P1"),
                Arguments.of("demotion repeats until no rule breaks",
                        "user_id:u2 email:a anonymous_id:x", "user_id:u1=P1 email:a=P1 anonymous_id:x=P1",
                        "user_id:u2", "anonymous_id:x email:a", ""),
                Arguments.of("device limit 2 weekly: a third device this week is demoted",
                        "device_id:d3 user_id:u1", "user_id:u1=P1 device_id:d1=P1@1 device_id:d2=P1@3",
                        "user_id:u1", "device_id:d3", "P1"),
                Arguments.of("device limit 2 weekly: devices of earlier weeks do not count",
                        "device_id:d3 user_id:u1", "user_id:u1=P1 device_id:d1=P1@10 device_id:d2=P1@3",
                        "device_id:d3 user_id:u1", "", "P1"),
                Arguments.of("the window is centred on the event: a late event counts the devices after it",
                        "device_id:d3 user_id:u1", "user_id:u1=P1 device_id:d1=P1@-2 device_id:d2=P1@-3",
                        "user_id:u1", "device_id:d3", "P1"),
                Arguments.of("device limit 2 weekly: profiles whose devices were first seen in one week long ago do not"
                                + " merge, whenever the event joining them comes",
                        "user_id:u1 email:a", "user_id:u1=P1 device_id:d1=P1@40 device_id:d2=P1@40 email:a=P2"
                                + " device_id:d3=P2@39",
                        "user_id:u1", "email:a", "P1"),
                Arguments.of("device limit 2 weekly: profiles whose devices were seen weeks apart merge",
                        "user_id:u1 email:a", "user_id:u1=P1 device_id:d1=P1@40 device_id:d2=P1@40 email:a=P2"
                                + " device_id:d3=P2@20",
                        "user_id:u1 email:a", "", "P1 P2"),
                Arguments.of("a profile already over a tightened limit still receives known identifiers",
                        "email:a anonymous_id:y", "email:a=P1 email:b=P1 email:c=P1",
                        "email:a anonymous_id:y", "", "P1"),
                Arguments.of("untyped (unconfigured) types have priority 0 and no limit",
                        "member_card:m1 anonymous_id:x", "member_card:m0=P1 member_card:m2=P1 anonymous_id:x=P1",
                        "member_card:m1 anonymous_id:x", "", "P1"),
                Arguments.of("a single identifier is never demoted",
                        "device_id:d9", "device_id:d9=P1 device_id:d1=P1 device_id:d2=P1",
                        "device_id:d9", "", "P1"));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("decisions")
    void demotesTheLowestPriorityIdentifierUntilNoRuleBreaks(String name, String event, String graph,
                                                             String active, String demoted, String owners) {
        Map<IdentifierKey, UUID> ownerOf = new HashMap<>();
        Map<UUID, List<HeldIdentifier>> held = new HashMap<>();
        for (String entry : words(graph)) {
            String[] keyAndOwner = entry.split("=");
            String[] ownerAndAge = keyAndOwner[1].split("@");
            IdentifierKey key = key(keyAndOwner[0]);
            UUID owner = profile(ownerAndAge[0]);
            Instant seenAt = ownerAndAge.length > 1 ? NOW.minus(Duration.ofDays(Long.parseLong(ownerAndAge[1]))) : NOW;
            ownerOf.put(key, owner);
            held.computeIfAbsent(owner, p -> new ArrayList<>()).add(new HeldIdentifier(key, seenAt));
        }

        MatchDecision decision = RULES.decide(keys(event), ownerOf, held, NOW);

        assertThat(decision.active()).containsExactlyElementsOf(keys(active));
        assertThat(decision.demoted()).containsExactlyInAnyOrderElementsOf(keys(demoted));
        assertThat(decision.owners()).containsExactlyInAnyOrderElementsOf(
                words(owners).stream().map(IdentityRulesTest::profile).toList());
    }

    /**
     * Each case: one side of a split ({@code type:value@days} before now, when the person was first seen with it);
     * what it keeps, and what is detached with the rule that detached it ({@code type:value=reason}).
     */
    static Stream<Arguments> replays() {
        return Stream.of(
                Arguments.of("a side within the rules keeps everything",
                        "user_id:u1@9 email:a@8 email:b@7 device_id:d1@1", "user_id:u1 email:a email:b device_id:d1", ""),
                Arguments.of("a value blocked now is detached",
                        "email:a@9 email:test@example.com@8", "email:a", "email:test@example.com=blocked"),
                Arguments.of("a value matching a blocked pattern is detached, and counts for no limit",
                        "email:x@mailinator.com@9 email:a@8 email:b@7", "email:a email:b",
                        "email:x@mailinator.com=blocked"),
                Arguments.of("email limit 2 ever: the earliest two stay, whatever order they are listed in",
                        "email:c@1 email:a@9 email:b@5", "email:a email:b", "email:c=limit"),
                Arguments.of("device limit 2 weekly: a third device within a week of the others is detached",
                        "device_id:d1@20 device_id:d2@6 device_id:d3@5 device_id:d4@4",
                        "device_id:d1 device_id:d2 device_id:d3", "device_id:d4=limit"),
                Arguments.of("unique user id: the later value is detached",
                        "user_id:u2@3 user_id:u1@9 anonymous_id:x@2", "user_id:u1 anonymous_id:x", "user_id:u2=unique"),
                Arguments.of("unique and limited: a second crm id breaks uniqueness first",
                        "crm_id:c1@9 crm_id:c2@1", "crm_id:c1", "crm_id:c2=unique"),
                Arguments.of("two values of a unique type seen at once: one is kept, by key order on every replica",
                        "user_id:u2@0 user_id:u1@0 anonymous_id:x@0", "user_id:u1 anonymous_id:x", "user_id:u2=unique"),
                Arguments.of("unconfigured types have no limit",
                        "member_card:m1@3 member_card:m2@2 member_card:m3@1", "member_card:m1 member_card:m2 member_card:m3",
                        ""));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("replays")
    void replaysASideOfASplitUnderTheCurrentRules(String name, String side, String kept, String detached) {
        List<StoredIdentifier> identifiers = stored(side);

        Replay replay = RULES.replay(identifiers);

        assertThat(replay.kept()).extracting(identifier -> identifier.key().type() + ":" + identifier.value())
                .containsExactlyInAnyOrderElementsOf(words(kept));
        assertThat(replay.detached()).extracting(d -> d.identifier().key().type() + ":" + d.identifier().value()
                        + "=" + d.reason().wireName())
                .containsExactlyInAnyOrderElementsOf(words(detached));
    }

    /**
     * Each case: two profiles ({@code type:value@days} before now, when first seen), whether they may merge now, as
     * resolution (on traits) and an accepted review ask. A merge allowed between two sides that each keep the rules
     * must replay whole: the replay an unmerge runs on either part of it would otherwise detach what the merge let in.
     */
    static Stream<Arguments> merges() {
        return Stream.of(
                Arguments.of("devices first seen in one week, long before the merge, exceed the limit together",
                        "user_id:u1@41 device_id:d1@40 device_id:d2@40", "email:a@39 device_id:d3@39", false),
                Arguments.of("a side's devices after the other's, within a week, exceed it too",
                        "device_id:d1@40 device_id:d2@40", "device_id:d3@34", false),
                Arguments.of("devices seen weeks apart keep it",
                        "device_id:d1@40 device_id:d2@40", "device_id:d3@20", true),
                Arguments.of("a chain of devices each within a week of the last, never three in one week, keeps it",
                        "device_id:d1@40 device_id:d2@34", "device_id:d3@28", true),
                Arguments.of("devices around the merge itself still count",
                        "device_id:d1@1 device_id:d2@2", "device_id:d3@3", false),
                Arguments.of("a side over a tightened limit may merge with one that adds nothing in its week",
                        "device_id:d1@40 device_id:d2@40 device_id:d3@40", "device_id:d4@10", true),
                Arguments.of("different values of a unique type never merge",
                        "user_id:u1@9", "user_id:u2@8", false));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("merges")
    void mergesAgreeWithTheReplayOfTheMergedProfile(String name, String first, String second, boolean allowed) {
        List<StoredIdentifier> a = stored(first);
        List<StoredIdentifier> b = stored(second);

        assertThat(RULES.allowsMerge(held(a), held(b), NOW)).isEqualTo(allowed);

        List<StoredIdentifier> merged = new ArrayList<>(a);
        merged.addAll(b);
        if (allowed && RULES.replay(a).detached().isEmpty() && RULES.replay(b).detached().isEmpty()) {
            assertThat(RULES.replay(merged).detached()).as("detached on replay of the merged profile").isEmpty();
        }
    }

    @ParameterizedTest(name = "{0}:{1} blocked = {2}")
    @CsvSource({
            "email, test@example.com, true",
            "email, someone@mailinator.com, true",
            "email, someone@mailinator.com.cn, false",
            "email, ann@example.com, false",
            "user_id, test@example.com, false",
            "phone, +8613800138000, false",
    })
    void blocksExactValuesAndWholeValuePatternsPerType(String type, String value, boolean blocked) {
        assertThat(RULES.blocks(type, value)).isEqualTo(blocked);
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({
            "1 ever, 1, ",
            "5 weekly, 5, P7D",
            "3 daily, 3, P1D",
            "10 monthly, 10, P30D",
            "2 yearly, 2, P365D",
            "4 per PT12H, 4, PT12H",
            "' 7  Weekly ', 7, P7D",
    })
    void parsesLimits(String text, int count, String window) {
        IdentifierLimit limit = IdentifierLimit.parse(text);

        assertThat(limit.count()).isEqualTo(count);
        assertThat(limit.window()).isEqualTo(window == null ? null : Duration.parse(window));
    }

    @ParameterizedTest(name = "{0}")
    @CsvSource({"0 ever", "five weekly", "3 fortnightly", "3", "2 per P0D", "2 per soon", "-1 ever"})
    void rejectsMalformedLimits(String text) {
        assertThatThrownBy(() -> IdentifierLimit.parse(text)).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void unconfiguredTypesGetTheDefaultRule() {
        assertThat(RULES.rule("wechat_openid")).isEqualTo(TypeRule.DEFAULT);
    }

    /** {@code type:value@days} entries, each first seen that many days before now. */
    private static List<StoredIdentifier> stored(String text) {
        return words(text).stream().map(entry -> {
            int at = entry.lastIndexOf('@');
            String[] typeAndValue = entry.substring(0, at).split(":", 2);
            return new StoredIdentifier(new IdentifierKey(typeAndValue[0], "h-" + typeAndValue[1]), typeAndValue[1],
                    NOW.minus(Duration.ofDays(Long.parseLong(entry.substring(at + 1)))));
        }).toList();
    }

    private static List<HeldIdentifier> held(List<StoredIdentifier> identifiers) {
        return identifiers.stream().map(StoredIdentifier::held).toList();
    }

    private static List<IdentifierKey> keys(String text) {
        return words(text).stream().map(IdentityRulesTest::key).toList();
    }

    private static IdentifierKey key(String typeAndValue) {
        String[] parts = typeAndValue.split(":");
        return new IdentifierKey(parts[0], parts[1]);
    }

    private static UUID profile(String name) {
        return UUID.nameUUIDFromBytes(name.getBytes());
    }

    private static List<String> words(String text) {
        return text.isBlank() ? List.of() : Arrays.asList(text.strip().split("\\s+"));
    }
}
