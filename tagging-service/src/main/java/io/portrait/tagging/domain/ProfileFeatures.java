package io.portrait.tagging.domain;

import io.portrait.tagging.engine.EventCounts;

import java.util.SortedMap;

/** A profile's behaviour counters by feature name; {@code profileId} is the live profile after merges. */
public record ProfileFeatures(String profileId, SortedMap<String, EventCounts> counters) {
}
