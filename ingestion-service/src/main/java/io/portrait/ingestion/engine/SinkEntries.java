package io.portrait.ingestion.engine;

import io.portrait.ingestion.domain.OutboxEntry;
import io.portrait.ingestion.domain.OutboxKind;
import io.portrait.ingestion.domain.OutboxPosition;
import io.portrait.proto.event.v1.ResolvedEvent;
import io.portrait.proto.identity.v1.ProfileMerge;
import io.portrait.proto.sink.v1.ApplyUnmergeRequest;

import java.util.ArrayList;
import java.util.List;

/**
 * The outbox entries that carry identity's decisions to one sink. Their ids depend only on the sink and the merge
 * or event, so writing them again (a batch resolved twice, a graph change read again after a crash) adds nothing.
 */
public final class SinkEntries {

    private SinkEntries() {
    }

    /** One entry per merge, at {@code seq} in the given order (ranks 0, 1, ...): the survivor and merged profiles. */
    public static List<OutboxEntry> merges(String sink, String workspace, long seq, List<ProfileMerge> merges) {
        List<OutboxEntry> entries = new ArrayList<>(merges.size());
        int ord = 0;
        for (ProfileMerge merge : merges) {
            List<String> profiles = new ArrayList<>();
            profiles.add(merge.getSurvivorProfileId());
            profiles.addAll(merge.getMergedProfileIdsList());
            entries.add(new OutboxEntry(OutboxEntry.id(sink, OutboxKind.MERGE, merge.getMergeId()), sink, workspace,
                    new OutboxPosition(seq, ord++), OutboxKind.MERGE, profiles, merge.toByteString(), 0));
        }
        return entries;
    }

    /** An event; one that gives or withdraws consent is urgent, so that the change does not wait for others' backlog. */
    public static OutboxEntry event(String sink, String workspace, OutboxPosition position, ResolvedEvent event) {
        return new OutboxEntry(OutboxEntry.id(sink, OutboxKind.EVENT, event.getEventId()), sink, workspace, position,
                OutboxKind.EVENT, List.of(event.getProfileId()), event.toByteString(), 0,
                event.getEvent().getConsentCount() > 0);
    }

    /**
     * An unmerge at {@code seq}, ordered behind everything earlier of every profile of the group, then the group's
     * events again, each to the profile it belongs to now. The events get ids of their own (the event's first
     * delivery may still be in the outbox, before the unmerge) that stay the same however often this is written.
     */
    public static List<OutboxEntry> unmerge(String sink, long seq, List<String> group, ApplyUnmergeRequest unmerge,
                                            List<ResolvedEvent> redelivered) {
        List<OutboxEntry> entries = new ArrayList<>(redelivered.size() + 1);
        entries.add(new OutboxEntry(OutboxEntry.id(sink, OutboxKind.UNMERGE, unmerge.getMergeId()), sink,
                unmerge.getWorkspace(), new OutboxPosition(seq, 0), OutboxKind.UNMERGE, group, unmerge.toByteString(),
                0));
        int ord = 1;
        for (ResolvedEvent event : redelivered) {
            entries.add(new OutboxEntry(
                    OutboxEntry.id(sink, OutboxKind.EVENT, event.getEventId() + "@unmerge:" + unmerge.getMergeId()),
                    sink, unmerge.getWorkspace(), new OutboxPosition(seq, ord++), OutboxKind.EVENT,
                    List.of(event.getProfileId()), event.toByteString(), 0));
        }
        return entries;
    }
}
