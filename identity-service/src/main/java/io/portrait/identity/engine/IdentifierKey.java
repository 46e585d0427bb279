package io.portrait.identity.engine;

import java.util.HexFormat;

/** An identifier as the graph matches it: type plus keyed hash (hex, so the record compares by value). */
public record IdentifierKey(String type, String hash) {

    public static IdentifierKey of(String type, byte[] hash) {
        return new IdentifierKey(type, HexFormat.of().formatHex(hash));
    }

    /** The stored form, {@code type:hex hash}. */
    public static IdentifierKey parse(String text) {
        int colon = text.indexOf(':');
        return new IdentifierKey(text.substring(0, colon), text.substring(colon + 1));
    }

    @Override
    public String toString() {
        return type + ":" + hash;
    }

    public byte[] hashBytes() {
        return HexFormat.of().parseHex(hash);
    }
}
