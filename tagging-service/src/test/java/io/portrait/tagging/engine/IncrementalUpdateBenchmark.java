package io.portrait.tagging.engine;

import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * The engine's share of the real-time path: one new event for a profile with 50 published tags. Picks the
 * affected tags and recomputes them for the profile (the store's reads and writes are measured by the event-path
 * benchmark). Run: see docs/benchmarks.md.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class IncrementalUpdateBenchmark {

    /** Events the profile already has (retained for windows). */
    @Param({"20", "200"})
    int history;

    private ProfileTagger tagger;
    private final List<ProfileState> profiles = new ArrayList<>();
    private final List<ProfileEvent> arriving = new ArrayList<>();
    private int next;

    @Setup(Level.Trial)
    public void setUp() {
        tagger = new ProfileTagger(BenchmarkTags.fifty());
        SplittableRandom random = new SplittableRandom(42);
        for (int i = 0; i < 1_000; i++) {
            ProfileState base = BenchmarkTags.profile(i, history);
            ProfileEvent event = BenchmarkTags.event(random);
            List<ProfileEvent> events = new ArrayList<>(base.events());
            events.add(event);
            profiles.add(ProfileState.of(base.profileId(), base.traits(), base.tags(),
                    base.activity() == null ? EventCounts.once(event.at()) : base.activity().combine(EventCounts.once(event.at())),
                    events));
            arriving.add(event);
        }
    }

    @Benchmark
    public Map<CompiledTag, Optional<TagValue>> oneEvent() {
        int i = next++ % profiles.size();
        List<CompiledTag> affected = tagger.affected(Set.of(arriving.get(i).name()), false, false);
        return ProfileTagger.evaluate(affected, profiles.get(i), BenchmarkTags.NOW);
    }
}
