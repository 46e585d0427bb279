package io.portrait.recommendation.domain;

import java.util.Locale;
import java.util.Map;
import java.util.Optional;

/** What a profile did with an item, and how strongly that signals interest. */
public enum InteractionKind {
    VIEWED("viewed", 1),
    ADDED("added", 3),
    FAVORITED("favorited", 2),
    PURCHASED("purchased", 5);

    private static final Map<String, InteractionKind> BY_EVENT_NAME = Map.of(
            "product viewed", VIEWED,
            "product added", ADDED,
            "like", FAVORITED,
            "product favorited", FAVORITED,
            "order completed", PURCHASED);

    private final String field;
    private final long weight;

    InteractionKind(String field, long weight) {
        this.field = field;
        this.weight = weight;
    }

    /** The name under which this kind's weight and count are stored. */
    public String field() {
        return field;
    }

    public long weight() {
        return weight;
    }

    /** The kind a track event stands for; empty for events that carry no item interest (Search, Share, ...). */
    public static Optional<InteractionKind> forEventName(String eventName) {
        if (eventName == null) {
            return Optional.empty();
        }
        String key = eventName.trim().replaceAll("\\s+", " ").toLowerCase(Locale.ROOT);
        return Optional.ofNullable(BY_EVENT_NAME.get(key));
    }
}
