package io.portrait.identity.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.MethodSource;

import java.time.Instant;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.UUID;
import java.util.stream.Stream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ResolutionEngineTest {

    private static final UUID LOW = UUID.fromString("00000000-0000-4000-8000-000000000001");
    private static final UUID MID = UUID.fromString("7fffffff-ffff-4fff-bfff-ffffffffffff");
    // Negative as a signed long: UUID.compareTo would sort it first, PostgreSQL sorts it last.
    private static final UUID HIGH = UUID.fromString("f0000000-0000-4000-8000-000000000000");

    private static final Instant T1 = Instant.parse("2024-01-01T00:00:00Z");
    private static final Instant T2 = Instant.parse("2024-02-01T00:00:00Z");
    private static final Instant T3 = Instant.parse("2024-03-01T00:00:00Z");

    @ParameterizedTest(name = "{0} vs {1}")
    @CsvSource({
            "00000000-0000-4000-8000-000000000001, 7fffffff-ffff-4fff-bfff-ffffffffffff",
            "7fffffff-ffff-4fff-bfff-ffffffffffff, f0000000-0000-4000-8000-000000000000",
            "00000000-0000-4000-8000-000000000001, 00000000-0000-4000-f000-000000000000",
            "a0000000-0000-4000-8000-000000000000, a0000000-0000-4000-8000-000000000001",
    })
    void idOrderIsUnsignedLikePostgres(String lower, String higher) {
        UUID low = UUID.fromString(lower);
        UUID high = UUID.fromString(higher);

        assertThat(ResolutionEngine.ID_ORDER.compare(low, high)).isNegative();
        assertThat(ResolutionEngine.ID_ORDER.compare(high, low)).isPositive();
        // The canonical text form sorts the same way, which is how PostgreSQL compares uuids.
        assertThat(lower.compareTo(higher)).isNegative();
    }

    static Stream<Arguments> survivors() {
        return Stream.of(
                Arguments.of("oldest wins", List.of(snapshot(MID, T2), snapshot(HIGH, T1), snapshot(LOW, T3)), HIGH),
                Arguments.of("same age: lowest id wins", List.of(snapshot(HIGH, T1), snapshot(MID, T1)), MID),
                Arguments.of("same age: unsigned id order", List.of(snapshot(HIGH, T1), snapshot(LOW, T1)), LOW),
                Arguments.of("input order is irrelevant", List.of(snapshot(LOW, T2), snapshot(MID, T1)), MID));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("survivors")
    void mergeKeepsTheOldestProfile(String name, List<ProfileSnapshot> owners, UUID survivor) {
        ResolutionPlan plan = ResolutionEngine.plan(owners);

        assertThat(plan.kind()).isEqualTo(ResolutionPlan.Kind.MERGE);
        assertThat(plan.targetId()).isEqualTo(survivor);
        assertThat(plan.mergedIds())
                .hasSize(owners.size() - 1)
                .doesNotContain(survivor)
                .containsExactlyInAnyOrderElementsOf(owners.stream()
                        .map(ProfileSnapshot::id).filter(id -> !id.equals(survivor)).toList());
    }

    @Test
    void noOwnerCreatesAProfile() {
        ResolutionPlan plan = ResolutionEngine.plan(List.of());

        assertThat(plan.kind()).isEqualTo(ResolutionPlan.Kind.CREATE);
        assertThat(plan.targetId()).isNull();
        assertThat(plan.mergedIds()).isEmpty();
        assertThat(plan.baseStats()).isEqualTo(ProfileStats.NONE);
    }

    @Test
    void oneOwnerReceivesTheIdentifiers() {
        ProfileStats stats = new ProfileStats(T1, T2, 4, new TreeSet<>(Set.of("web")));
        ProfileSnapshot owner = new ProfileSnapshot(MID, T1, null, stats);

        ResolutionPlan plan = ResolutionEngine.plan(List.of(owner, owner));

        assertThat(plan.kind()).isEqualTo(ResolutionPlan.Kind.ATTACH);
        assertThat(plan.targetId()).isEqualTo(MID);
        assertThat(plan.mergedIds()).isEmpty();
        assertThat(plan.baseStats()).isEqualTo(stats);
    }

    @Test
    void mergeCombinesTheStatsOfAllProfiles() {
        ProfileSnapshot older = new ProfileSnapshot(HIGH, T1, null,
                new ProfileStats(T2, T2, 3, new TreeSet<>(Set.of("web", "app"))));
        ProfileSnapshot newer = new ProfileSnapshot(LOW, T2, null,
                new ProfileStats(T1, T3, 5, new TreeSet<>(Set.of("pos"))));

        ResolutionPlan plan = ResolutionEngine.plan(List.of(newer, older));

        assertThat(plan.baseStats())
                .isEqualTo(new ProfileStats(T1, T3, 8, new TreeSet<>(Set.of("app", "pos", "web"))));
    }

    @Test
    void mergedProfilesCannotOwnIdentifiers() {
        ProfileSnapshot merged = new ProfileSnapshot(LOW, T1, MID, ProfileStats.NONE);

        assertThatThrownBy(() -> ResolutionEngine.plan(List.of(merged)))
                .isInstanceOf(IllegalArgumentException.class);
    }

    static Stream<Arguments> combinations() {
        return Stream.of(
                Arguments.of("nothing", List.of(), ProfileStats.NONE),
                Arguments.of("with an empty profile", List.of(ProfileStats.NONE, stats(T2, T3, 2, "web")),
                        stats(T2, T3, 2, "web")),
                Arguments.of("window widens both ways", List.of(stats(T2, T2, 1, "web"), stats(T1, T3, 1, "web")),
                        stats(T1, T3, 2, "web")),
                Arguments.of("channels unite", List.of(stats(T1, T1, 1, "web", "app"), stats(T1, T1, 1, "crm")),
                        stats(T1, T1, 2, "app", "crm", "web")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("combinations")
    void combineSumsCountsUnitesChannelsAndWidensTheWindow(String name, List<ProfileStats> parts, ProfileStats expected) {
        assertThat(ResolutionEngine.combine(parts)).isEqualTo(expected);
    }

    static Stream<Arguments> events() {
        return Stream.of(
                Arguments.of("first event", ProfileStats.NONE, "web", T2, stats(T2, T2, 1, "web")),
                Arguments.of("later event", stats(T1, T2, 1, "web"), "app", T3, stats(T1, T3, 2, "app", "web")),
                Arguments.of("earlier event arriving late", stats(T2, T3, 2, "web"), "web", T1, stats(T1, T3, 3, "web")),
                Arguments.of("event inside the window", stats(T1, T3, 2, "web"), "pos", T2, stats(T1, T3, 3, "pos", "web")),
                Arguments.of("blank channel is not a channel", stats(T1, T1, 1, "web"), " ", T2, stats(T1, T2, 2, "web")),
                Arguments.of("no channel", stats(T1, T1, 1, "web"), null, T1, stats(T1, T1, 2, "web")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("events")
    void recordEventCountsOnceAndMovesTheWindow(String name, ProfileStats before, String channel, Instant at,
                                                ProfileStats expected) {
        assertThat(ResolutionEngine.recordEvent(before, channel, at)).isEqualTo(expected);
    }

    private static ProfileSnapshot snapshot(UUID id, Instant createdAt) {
        return new ProfileSnapshot(id, createdAt, null, stats(createdAt, createdAt, 1, "web"));
    }

    private static ProfileStats stats(Instant first, Instant last, long count, String... channels) {
        return new ProfileStats(first, last, count, new TreeSet<>(List.of(channels)));
    }
}
