package io.portrait.recommendation.service;

import io.grpc.Status;
import io.portrait.common.polling.Backoff;
import io.portrait.common.polling.PollingLoop;
import io.portrait.common.polling.Wakeup;
import io.portrait.recommendation.client.SegmentChangesClient;
import io.portrait.recommendation.config.RecommendationConfig;
import io.portrait.recommendation.domain.MembershipChange;
import io.portrait.recommendation.domain.SegmentMemberships;
import io.portrait.recommendation.repository.ModelVersionRepository;
import io.portrait.recommendation.repository.ProfileRepository;
import io.portrait.recommendation.repository.SegmentCursorRepository;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.Priority;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.interceptor.Interceptor;

import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.function.Function;

/**
 * Follows tagging's segment membership changes for every member, so that a segment's best sellers are learnt from
 * all its members and not only from those this service was asked about.
 *
 * <p>A round takes every workspace this service has a model document for (one with interactions: no other
 * workspace has purchases to count), asks tagging for its segments, and reads each segment's log of who entered and
 * who left after the segment's cursor. Each change becomes a statement about the profile's membership (see
 * {@link SegmentMemberships}), then the cursor moves to the last change read and the workspace is noted as changed,
 * so the next model version counts the members' purchases. A crash in between reads the changes again; applying one
 * twice changes nothing. A round that read a full page goes on at once; an idle one waits the follow interval; while
 * tagging is down nothing is written, and the waits grow up to {@code retry-max}.
 */
@ApplicationScoped
public class SegmentFollower {

    /** Profile writes of one page in flight at once; statements commute, so their order does not matter. */
    private static final int CONCURRENCY = 8;
    private static final Duration SHUTDOWN_GRACE = Duration.ofSeconds(5);
    /** Tagging's answers that mean it is not there (now): the round stops and is retried later. */
    private static final Set<Status.Code> TAGGING_DOWN = Set.of(Status.Code.UNAVAILABLE,
            Status.Code.DEADLINE_EXCEEDED, Status.Code.RESOURCE_EXHAUSTED, Status.Code.CANCELLED);

    private final SegmentChangesClient tagging;
    private final SegmentCursorRepository cursors;
    private final ProfileRepository profiles;
    private final ModelVersionRepository versions;
    private final ModelService models;
    private final RecommendationConfig.Segments settings;
    private final Clock clock;
    private PollingLoop loop;

    SegmentFollower(SegmentChangesClient tagging, SegmentCursorRepository cursors, ProfileRepository profiles,
                    ModelVersionRepository versions, ModelService models, RecommendationConfig config, Clock clock) {
        this.tagging = tagging;
        this.cursors = cursors;
        this.profiles = profiles;
        this.versions = versions;
        this.models = models;
        this.settings = config.segments();
        this.clock = clock;
    }

    /** After the indexes are made (their observer runs first). */
    void start(@Observes @Priority(Interceptor.Priority.APPLICATION + 700) StartupEvent startup) {
        if (!settings.enabled()) {
            Log.info("Segment follower off: segments are learnt only from the profiles served");
            return;
        }
        Duration interval = settings.followInterval();
        // A steady pace: nothing in this process signals news of tagging's log, and an idle look stays cheap.
        loop = new PollingLoop("segment follower", this::followRound, new Wakeup(), interval, interval,
                new Backoff(interval, settings.retryMax()));
        loop.start();
    }

    void stop(@Observes ShutdownEvent shutdown) {
        if (loop != null) {
            loop.stop(SHUTDOWN_GRACE);
        }
    }

    /** One round over every workspace; true when some segment may have more changes waiting. */
    Uni<Boolean> followRound() {
        return versions.workspaces().chain(workspaces -> any(workspaces, this::followWorkspace));
    }

    private Uni<Boolean> followWorkspace(String workspace) {
        return tagging.segments(workspace)
                .chain(codes -> any(codes, code -> followSegment(workspace, code)))
                .onFailure(SegmentFollower::refusedByTagging).recoverWithItem(failure -> {
                    Log.warnf("Segments of workspace %s not followed this round: %s", workspace, failure.toString());
                    return false;
                });
    }

    private Uni<Boolean> followSegment(String workspace, String code) {
        int batchSize = settings.batchSize();
        return cursors.position(workspace, code)
                .chain(after -> tagging.changes(workspace, code, after, batchSize))
                .chain(changes -> changes.isEmpty()
                        ? Uni.createFrom().item(false)
                        : apply(workspace, code, changes).replaceWith(changes.size() >= batchSize))
                .onFailure(SegmentFollower::refusedByTagging).recoverWithItem(failure -> {
                    // NOT_FOUND: the segment went between listing and reading; anything else is skipped this round.
                    if (Status.fromThrowable(failure).getCode() != Status.Code.NOT_FOUND) {
                        Log.warnf("Segment %s of workspace %s not followed this round: %s", code, workspace,
                                failure.toString());
                    }
                    return false;
                });
    }

    /** Applies a page of a segment's changes, then moves its cursor past them. */
    private Uni<Void> apply(String workspace, String code, List<MembershipChange> changes) {
        long last = changes.get(changes.size() - 1).sequence();
        return Multi.createFrom().iterable(changes)
                .onItem().transformToUni(change -> profiles.recordSegments(workspace, change.profileId(),
                        SegmentMemberships.change(code, change.entered(), change.at())))
                .merge(CONCURRENCY)
                .collect().last()
                .chain(() -> cursors.advance(workspace, code, last, clock.instant()))
                .chain(() -> models.changed(workspace))
                .invoke(() -> Log.debugf("workspace %s: segment %s followed to %d (%d changes)", workspace, code,
                        last, changes.size()));
    }

    /** Runs the steps one after the other; true when any of them answered true. */
    private static Uni<Boolean> any(List<String> items, Function<String, Uni<Boolean>> step) {
        return Multi.createFrom().iterable(items)
                .onItem().<Boolean>transformToUniAndConcatenate(step::apply)
                .collect().in(() -> new boolean[1], (any, more) -> any[0] |= more)
                .map(any -> any[0]);
    }

    /** Tagging answered, but refused this workspace or segment (or answered what cannot be applied). */
    static boolean refusedByTagging(Throwable failure) {
        if (failure instanceof IllegalStateException) {
            return true;
        }
        Status.Code code = Status.fromThrowable(failure).getCode();
        return code != Status.Code.UNKNOWN && !TAGGING_DOWN.contains(code);
    }
}
