package io.portrait.gateway.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portrait.gateway.client.SegmentClient;
import io.portrait.gateway.domain.Page;
import io.portrait.gateway.domain.SegmentViews;
import io.portrait.gateway.engine.ListPager;
import io.portrait.gateway.rest.ProblemException;
import io.portrait.proto.tagging.v1.CountSegmentRequest;
import io.portrait.proto.tagging.v1.CreateSegmentRequest;
import io.portrait.proto.tagging.v1.GetSegmentRequest;
import io.portrait.proto.tagging.v1.ListSegmentChangesRequest;
import io.portrait.proto.tagging.v1.ListSegmentMembersRequest;
import io.portrait.proto.tagging.v1.ListSegmentMembersResponse;
import io.portrait.proto.tagging.v1.ListSegmentsRequest;
import io.portrait.proto.tagging.v1.RefreshSegmentRequest;
import io.portrait.proto.tagging.v1.Segment;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Comparator;
import java.util.List;

/** The segment API over tagging's gRPC segments; exports are {@link AudienceExportService}'s. */
@ApplicationScoped
public class SegmentService {

    /** The most members or changes one page holds: as many as tagging answers at most. */
    public static final int MAX_PAGE = 1000;

    private static final ObjectMapper JSON = new ObjectMapper();
    /** A change cursor holds the sequence number of the last change given out; tagging resumes after it. */
    private static final ListPager<SegmentViews.Change, Long> CHANGES = new ListPager<>(SegmentViews.Change::sequence,
            Comparator.naturalOrder(), String::valueOf, SegmentService::sequence);
    /** Tagging answers the segments whole, in an order its contract does not promise: paged here by code. */
    private static final ListPager<SegmentViews.Segment, String> SEGMENTS = ListPager.byCode(SegmentViews.Segment::code);

    private final SegmentClient segments;

    public SegmentService(SegmentClient segments) {
        this.segments = segments;
    }

    public Uni<SegmentViews.Count> count(String workspace, SegmentViews.RuleRequest request) {
        String rule = rule(request == null ? null : request.rule());
        return segments.count(CountSegmentRequest.newBuilder().setWorkspace(workspace).setRule(rule).build())
                .map(response -> new SegmentViews.Count(response.getCount(), response.getProfiles()));
    }

    public Uni<SegmentViews.Segment> create(String workspace, SegmentViews.NewSegment segment) {
        if (segment == null) {
            throw TagService.invalid("A JSON body is required.");
        }
        return segments.create(CreateSegmentRequest.newBuilder().setWorkspace(workspace)
                        .setCode(orEmpty(segment.code())).setName(orEmpty(segment.name()))
                        .setDescription(orEmpty(segment.description())).setRule(rule(segment.rule())).build())
                .map(response -> segment(response.getSegment()));
    }

    public Uni<SegmentViews.Segment> get(String workspace, String code) {
        return segments.get(GetSegmentRequest.newBuilder().setWorkspace(workspace).setCode(code).build())
                .map(response -> segment(response.getSegment()));
    }

    /**
     * Up to {@code limit} segments after the cursor's, by code. Tagging answers the segments whole; they are sorted
     * and paged here, and a bad cursor is refused before tagging is asked.
     */
    public Uni<Page<SegmentViews.Segment>> list(String workspace, String cursor, int limit) {
        String after = SEGMENTS.after(cursor);
        return segments.list(ListSegmentsRequest.newBuilder().setWorkspace(workspace).build())
                .map(response -> SEGMENTS.sortedPage(response.getSegmentsList().stream()
                        .map(SegmentService::segment).toList(), after, limit));
    }

    public Uni<SegmentViews.Refreshed> refresh(String workspace, String code) {
        return segments.refresh(RefreshSegmentRequest.newBuilder().setWorkspace(workspace).setCode(code).build())
                .map(response -> new SegmentViews.Refreshed(segment(response.getSegment()), response.getEntered(),
                        response.getLeft()));
    }

    /**
     * Up to {@code limit} changes after the cursor's, in order. The log is a feed that grows as segments refresh, so
     * every page that holds changes carries a next, the cursor after its last change, and only an empty page has
     * none: a follower keeps the last next it got and asks with it again later, never losing its place (tagging's
     * ListSegmentChanges pages by sequence number alike, without saying whether more follow).
     *
     * Followers from before the cursor resumed with {@code after}, the sequence number of the last change they saw:
     * it is still read when no cursor is given, so that such a follower goes on where it was rather than from the
     * start of the log.
     *
     * @throws io.portrait.gateway.engine.InvalidCursorException before any call, for a cursor this API did not give out
     * @throws ProblemException before any call, for an {@code after} that is not a sequence number
     */
    public Uni<Page<SegmentViews.Change>> changes(String workspace, String code, String cursor, String formerAfter,
                                                  int limit) {
        Long after = cursor == null || cursor.isEmpty() ? formerAfter(formerAfter) : CHANGES.after(cursor);
        return segments.changes(ListSegmentChangesRequest.newBuilder().setWorkspace(workspace).setCode(code)
                        .setAfterSequence(after == null ? 0 : after).setLimit(limit).build())
                .map(response -> {
                    List<SegmentViews.Change> changes = response.getChangesList().stream()
                            .map(change -> new SegmentViews.Change(change.getSequence(), change.getProfileId(),
                                    change.getChange(), TagService.time(change.getAt()))).toList();
                    return new Page<>(changes,
                            changes.isEmpty() ? null : CHANGES.cursorAfter(changes.get(changes.size() - 1)));
                });
    }

    /** One page of members, each with its values of the tags {@code tagCodes}. */
    Uni<ListSegmentMembersResponse> page(String workspace, String code, int limit, String after,
                                         List<String> tagCodes) {
        return segments.members(ListSegmentMembersRequest.newBuilder().setWorkspace(workspace).setCode(code)
                .setLimit(limit).setAfter(orEmpty(after)).addAllTagCodes(tagCodes).build());
    }

    static SegmentViews.Segment segment(Segment segment) {
        JsonNode ruleJson;
        try {
            ruleJson = JSON.readTree(segment.getRuleJson());
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("tagging answered a rule that is not JSON", e);
        }
        return new SegmentViews.Segment(segment.getCode(), segment.getName(), segment.getDescription(),
                segment.getRuleText(), ruleJson, segment.getMembers(),
                segment.hasRefreshedAt() ? TagService.time(segment.getRefreshedAt()) : null);
    }

    private static String rule(JsonNode rule) {
        if (rule == null || rule.isNull()) {
            throw TagService.invalid("\"rule\" is required: text such as \"tag.vip = \\\"gold\\\"\" or a JSON rule.");
        }
        return rule.isTextual() ? rule.textValue() : rule.toString();
    }

    /** A change cursor's text back as a sequence number; sequence numbers are never negative. */
    private static Long formerAfter(String text) {
        if (text == null || text.isEmpty()) {
            return null;
        }
        try {
            return sequence(text);
        } catch (IllegalArgumentException e) {
            throw ProblemException.invalidRequest("Query parameter \"after\" must be the sequence number of a change, "
                    + "0 or more; prefer cursor, the next of the page before.");
        }
    }

    private static Long sequence(String text) {
        long sequence = Long.parseLong(text);
        if (sequence < 0) {
            throw new IllegalArgumentException("negative sequence " + sequence);
        }
        return sequence;
    }

    private static String orEmpty(String value) {
        return value == null ? "" : value;
    }
}
