package io.portrait.identity.repository;

import java.util.HexFormat;

/** An identifier as the graph matches it: type plus keyed hash (hex, so the record compares by value). */
public record IdentifierKey(String type, String hash) {

    public static IdentifierKey of(String type, byte[] hash) {
        return new IdentifierKey(type, HexFormat.of().formatHex(hash));
    }

    public byte[] hashBytes() {
        return HexFormat.of().parseHex(hash);
    }
}
