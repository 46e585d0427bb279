package io.portrait.recommendation.domain;

import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.BinaryOperator;

/**
 * What is known of a profile's segments: per segment code, the latest time the profile was known to be in it and
 * the latest time it was known to be out of it. Two sources say so without waiting for each other: tagging's
 * membership changes, followed for every member, and the whole list tagging (or a caller) gives when the profile is
 * served. Whichever statement about a segment is fresher wins, in whatever order the statements arrive, so the two
 * sources never undo each other's newer knowledge (a tie counts as out).
 */
public record SegmentMemberships(Map<String, Instant> in, Map<String, Instant> out) {

    public static final SegmentMemberships NONE = new SegmentMemberships(Map.of(), Map.of());

    public SegmentMemberships {
        in = in == null ? Map.of() : Map.copyOf(in);
        out = out == null ? Map.of() : Map.copyOf(out);
    }

    /** One membership change: the profile entered (or left) the segment at the given time. */
    public static SegmentMemberships change(String code, boolean entered, Instant at) {
        return entered ? new SegmentMemberships(Map.of(code, at), Map.of())
                : new SegmentMemberships(Map.of(), Map.of(code, at));
    }

    /** The profile is in each of these segments as of {@code at}; blank codes are left out. */
    public static SegmentMemberships entered(Collection<String> codes, Instant at) {
        Map<String, Instant> in = new HashMap<>();
        codes.stream().filter(code -> code != null && !code.isBlank()).forEach(code -> in.put(code, at));
        return new SegmentMemberships(in, Map.of());
    }

    public boolean isMember(String code) {
        Instant entered = in.get(code);
        Instant left = out.get(code);
        return entered != null && (left == null || entered.isAfter(left));
    }

    /** The codes of the segments the profile belongs to, in code order. */
    public List<String> members() {
        return in.keySet().stream().filter(this::isMember).sorted().toList();
    }

    /**
     * What a whole list of segments known at {@code at} says: the profile is in each of them, and out of every other
     * segment known here. Blank codes are left out.
     */
    public SegmentMemberships listed(Collection<String> codes, Instant at) {
        Map<String, Instant> listedIn = entered(codes, at).in();
        Set<String> known = new HashSet<>(in.keySet());
        known.addAll(out.keySet());
        Map<String, Instant> listedOut = new HashMap<>();
        known.stream().filter(code -> !listedIn.containsKey(code)).forEach(code -> listedOut.put(code, at));
        return new SegmentMemberships(listedIn, listedOut);
    }

    /** These statements and {@code more}, keeping the later time per segment and side. */
    public SegmentMemberships with(SegmentMemberships more) {
        return new SegmentMemberships(latest(in, more.in()), latest(out, more.out()));
    }

    /** Whether adding {@code more} would change which segments the profile belongs to. */
    public boolean changedBy(SegmentMemberships more) {
        return !with(more).members().equals(members());
    }

    public boolean isEmpty() {
        return in.isEmpty() && out.isEmpty();
    }

    private static Map<String, Instant> latest(Map<String, Instant> a, Map<String, Instant> b) {
        Map<String, Instant> merged = new HashMap<>(a);
        BinaryOperator<Instant> later = (x, y) -> x.isAfter(y) ? x : y;
        b.forEach((code, at) -> merged.merge(code, at, later));
        return merged;
    }
}
