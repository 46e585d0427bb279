package io.portrait.tagging.engine;

import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.function.Predicate;

/**
 * Evaluates a workspace's computed tags for one profile, in dependency order (a tag that reads {@code tag.x}
 * after x), feeding each new value to the tags that read it.
 */
public final class ProfileTagger {

    private final List<CompiledTag> ordered;

    /**
     * @throws IllegalArgumentException when the tags read each other in a cycle
     */
    public ProfileTagger(List<CompiledTag> tags) {
        this.ordered = order(tags);
    }

    public List<CompiledTag> tags() {
        return ordered;
    }

    /**
     * The tags an event batch affects: those reading its event names (or traits, when they changed, or metrics),
     * and transitively those reading an affected tag. Only real-time tags unless {@code all}.
     */
    public List<CompiledTag> affected(Set<String> eventNames, boolean traitsChanged, boolean all) {
        return spread(Set.of(), tag -> all || tag.realTime(),
                tag -> all || tag.directlyAffectedBy(eventNames, traitsChanged));
    }

    /**
     * The tags that read any of {@code codes}, directly or through another tag, in dependency order: what must be
     * computed again when those tags' values change outside the event path (an assignment, a model's scores, a
     * new version served, a daily refresh).
     */
    public List<CompiledTag> readersOf(Set<String> codes) {
        return spread(codes, tag -> !codes.contains(tag.code()), tag -> false);
    }

    /**
     * The {@code eligible} tags hit {@code directly}, or reading a changed tag (those of {@code changed} and every
     * tag hit before them, in dependency order).
     */
    private List<CompiledTag> spread(Set<String> changed, Predicate<CompiledTag> eligible,
                                     Predicate<CompiledTag> directly) {
        Set<String> hitCodes = new HashSet<>(changed);
        List<CompiledTag> hit = new ArrayList<>();
        for (CompiledTag tag : ordered) {
            if (eligible.test(tag) && (directly.test(tag) || tag.tagsRead().stream().anyMatch(hitCodes::contains))) {
                hitCodes.add(tag.code());
                hit.add(tag);
            }
        }
        return hit;
    }

    /**
     * New values of the given tags (a subset of {@link #tags()}, in its order) for the profile; an empty
     * Optional clears the tag. {@code profile.tags()} holds the current values of every tag by code.
     */
    public static Map<CompiledTag, Optional<TagValue>> evaluate(List<CompiledTag> tags, ProfileState profile,
                                                              Instant now) {
        return evaluate(tags, profile, now, tag -> true);
    }

    /**
     * As {@link #evaluate(List, ProfileState, Instant)}, feeding forward only the new values of the tags
     * {@code served} accepts: while a tag's next version is computed alongside its live one, the tags that read it
     * go on reading the live version's value.
     */
    public static Map<CompiledTag, Optional<TagValue>> evaluate(List<CompiledTag> tags, ProfileState profile,
                                                              Instant now, Predicate<CompiledTag> served) {
        Map<CompiledTag, Optional<TagValue>> results = new LinkedHashMap<>();
        Map<String, Object> current = null;
        ProfileState state = profile;
        for (CompiledTag tag : tags) {
            Optional<TagValue> value = TagEngine.evaluate(tag.spec(), state, now, tag.cutPoints());
            results.put(tag, value);
            if (!served.test(tag)) {
                continue;
            }
            Object newValue = value.map(TagValue::value).orElse(null);
            if (!java.util.Objects.equals(newValue, state.tags().get(tag.code()))) {
                if (current == null) {
                    current = new HashMap<>(state.tags());
                }
                if (newValue == null) {
                    current.remove(tag.code());
                } else {
                    current.put(tag.code(), newValue);
                }
                state = state.withTags(current);
            }
        }
        return results;
    }

    private static List<CompiledTag> order(List<CompiledTag> tags) {
        List<CompiledTag> ordered = new ArrayList<>();
        Set<String> done = new HashSet<>();
        Set<String> visiting = new HashSet<>();
        for (CompiledTag tag : tags) {
            visit(tag, tags, done, visiting, ordered);
        }
        return ordered;
    }

    private static void visit(CompiledTag tag, List<CompiledTag> all, Set<String> done, Set<String> visiting,
                              List<CompiledTag> ordered) {
        if (done.contains(tag.key())) {
            return;
        }
        if (!visiting.add(tag.key())) {
            throw new IllegalArgumentException("tags read each other in a cycle through '" + tag.code() + "'");
        }
        for (String code : tag.tagsRead()) {
            for (CompiledTag dependency : all) {
                if (dependency.code().equals(code)) {
                    visit(dependency, all, done, visiting, ordered);
                }
            }
        }
        visiting.remove(tag.key());
        done.add(tag.key());
        ordered.add(tag);
    }
}
