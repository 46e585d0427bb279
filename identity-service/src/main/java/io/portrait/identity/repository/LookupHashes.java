package io.portrait.identity.repository;

import io.vertx.core.buffer.Buffer;

import java.util.Arrays;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;

/**
 * An identifier's keyed hash as stored ({@code value_hash}, bytes) and as other services name it: lowercase hex, the
 * form ingestion keeps an identifier's lookup hash in, so each finds by the other's what carries the same person.
 */
final class LookupHashes {

    private LookupHashes() {
    }

    /** Lowercase hex of each; none for null (a column recorded before the hashes were kept). */
    static List<String> hex(Buffer[] hashes) {
        return hashes == null ? List.of()
                : Arrays.stream(hashes).map(hash -> HexFormat.of().formatHex(hash.getBytes())).toList();
    }

    /** The stored form of hashes given in hex (either case; validated by the caller). */
    static Buffer[] bytes(Collection<String> hex) {
        return hex.stream().map(hash -> Buffer.buffer(HexFormat.of().parseHex(hash))).toArray(Buffer[]::new);
    }
}
