package io.portrait.gateway.domain;

import com.fasterxml.jackson.annotation.JsonValue;

import java.util.Arrays;
import java.util.Optional;

/**
 * Where a new destination begins following its segments' change logs: from their start, replaying every past change
 * (what a destination has always done, so the default), or after the last change each log holds when the destination
 * is created, for a receiver that wants only what happens from then on.
 */
public enum DestinationStart {
    BEGINNING("beginning"),
    NOW("now");

    private final String wireName;

    DestinationStart(String wireName) {
        this.wireName = wireName;
    }

    /** The name the API and the store use. */
    @JsonValue
    public String wireName() {
        return wireName;
    }

    /** The start a name stands for; empty when it stands for none (names are matched exactly). */
    public static Optional<DestinationStart> named(String name) {
        return Arrays.stream(values()).filter(start -> start.wireName.equals(name)).findFirst();
    }
}
