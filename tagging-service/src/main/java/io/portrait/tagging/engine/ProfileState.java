package io.portrait.tagging.engine;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Everything rules may look at for one profile: traits (golden-record attributes), current tag values by
 * code, all-time activity and the retained events, oldest first.
 *
 * @param activity all-time count, first and last event time; null before the first event
 * @param events   oldest first (use {@link #of} to sort)
 */
public record ProfileState(String profileId, Map<String, Object> traits, Map<String, Object> tags,
                           EventCounts activity, List<ProfileEvent> events) {

    public ProfileState {
        Objects.requireNonNull(profileId, "profileId");
        Objects.requireNonNull(traits, "traits");
        Objects.requireNonNull(tags, "tags");
        Objects.requireNonNull(events, "events");
    }

    /** Sorts the events by time. */
    public static ProfileState of(String profileId, Map<String, Object> traits, Map<String, Object> tags,
                                  EventCounts activity, List<ProfileEvent> events) {
        List<ProfileEvent> sorted = new ArrayList<>(events);
        sorted.sort(Comparator.comparing(ProfileEvent::at));
        return new ProfileState(profileId, traits, tags, activity, List.copyOf(sorted));
    }

    public ProfileState withTags(Map<String, Object> newTags) {
        return new ProfileState(profileId, traits, newTags, activity, events);
    }
}
