package io.portrait.identity.engine;

import java.time.Instant;

/** An identifier a profile holds, with when the person was first seen with it (limits with a window count it). */
public record HeldIdentifier(IdentifierKey key, Instant seenAt) {
}
