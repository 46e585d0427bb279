package io.portrait.tagging.repository;

import io.portrait.common.sink.ProfileData;
import io.portrait.tagging.domain.TagDefinition;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** Everything tagging holds per profile, moved on merges and deleted on erasure together. */
@ApplicationScoped
public class TaggingProfileData implements ProfileData {

    private final EventCounterRepository counters;
    private final ProfileStateRepository states;
    private final TagValueRepository values;
    private final TaxonomyRepository taxonomy;
    private final SegmentRepository segments;

    TaggingProfileData(EventCounterRepository counters, ProfileStateRepository states, TagValueRepository values,
                       TaxonomyRepository taxonomy, SegmentRepository segments) {
        this.segments = segments;
        this.counters = counters;
        this.states = states;
        this.values = values;
        this.taxonomy = taxonomy;
    }

    /** Computed tag values of the merged profiles are dropped (the survivor's are recomputed); others move. */
    @Override
    public Uni<Void> moveTo(String workspace, String survivorId, List<String> mergedIds) {
        return counters.moveTo(workspace, survivorId, mergedIds)
                .chain(() -> states.moveTo(workspace, survivorId, mergedIds))
                .chain(() -> taxonomy.definitions(workspace, null, null))
                .chain(definitions -> values.moveTo(workspace, survivorId, mergedIds, setFromOutside(definitions)))
                .chain(() -> segments.leave(workspace, mergedIds))
                .replaceWithVoid();
    }

    /**
     * Values of manual and model tags were set from outside the event stream: they stay with the profile. So do its
     * segment memberships and their change log: the next refresh records who left and who entered, which those
     * following the changes must see (deleting them would drop a member without a "left").
     */
    @Override
    public Uni<Integer> deleteBuiltFor(String workspace, String profileId) {
        return counters.deleteFor(workspace, profileId)
                .chain(deleted -> states.deleteFor(workspace, profileId).map(more -> deleted + more))
                .chain(deleted -> taxonomy.definitions(workspace, null, null)
                        .chain(definitions -> values.deleteFor(workspace, profileId, setFromOutside(definitions)))
                        .map(more -> deleted + more));
    }

    @Override
    public Uni<Integer> deleteFor(String workspace, String profileId) {
        return counters.deleteFor(workspace, profileId)
                .chain(deleted -> states.deleteFor(workspace, profileId).map(more -> deleted + more))
                .chain(deleted -> values.deleteFor(workspace, profileId).map(more -> deleted + more))
                .chain(deleted -> segments.deleteFor(workspace, profileId).map(more -> deleted + more));
    }

    /** Codes of the tags whose values are set from outside (manual, model), not computed from events. */
    private static List<String> setFromOutside(List<TagDefinition> definitions) {
        return definitions.stream()
                .filter(d -> d.kind().equals("manual") || d.kind().equals("model"))
                .map(TagDefinition::code)
                .toList();
    }
}
