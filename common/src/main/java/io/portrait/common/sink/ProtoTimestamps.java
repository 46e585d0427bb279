package io.portrait.common.sink;

import com.google.protobuf.Timestamp;

import java.time.Instant;
import java.util.Optional;

/** google.protobuf.Timestamp to and from Instant, within the range the well-known type allows. */
public final class ProtoTimestamps {

    /** 0001-01-01T00:00:00Z and 9999-12-31T23:59:59Z, the bounds of google.protobuf.Timestamp. */
    private static final long MIN_SECONDS = -62_135_596_800L;
    private static final long MAX_SECONDS = 253_402_300_799L;

    private ProtoTimestamps() {
    }

    /** Empty when the timestamp is outside the well-known type's range. */
    public static Optional<Instant> toInstant(Timestamp timestamp) {
        if (timestamp.getSeconds() < MIN_SECONDS || timestamp.getSeconds() > MAX_SECONDS
                || timestamp.getNanos() < 0 || timestamp.getNanos() > 999_999_999) {
            return Optional.empty();
        }
        return Optional.of(Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos()));
    }

    public static Timestamp toProto(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }
}
