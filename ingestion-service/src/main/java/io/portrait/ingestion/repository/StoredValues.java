package io.portrait.ingestion.repository;

import io.portrait.common.pii.PiiCipher;
import io.portrait.ingestion.config.PiiConfig;
import jakarta.enterprise.context.ApplicationScoped;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.HexFormat;

/**
 * Seals what the store keeps of people: identifier values, traits and whole event payloads are AES-GCM
 * ciphertexts, and identifiers carry a keyed hash so they can still be found without opening anything.
 */
@ApplicationScoped
public class StoredValues {

    private final PiiCipher cipher;

    public StoredValues(PiiConfig config) {
        this.cipher = PiiCipher.fromBase64(config.hashKey(), config.encryptionKey());
    }

    public byte[] seal(byte[] clear) {
        return cipher.encrypt(Base64.getEncoder().encodeToString(clear)).clone();
    }

    public byte[] open(byte[] sealed) {
        return Base64.getDecoder().decode(cipher.decrypt(sealed));
    }

    public byte[] sealText(String clear) {
        return cipher.encrypt(clear);
    }

    public String openText(byte[] sealed) {
        return cipher.decrypt(sealed);
    }

    /** The keyed hash of a typed identifier value, as hex: equal values of a type hash alike, in every document. */
    public String hash(String type, String value) {
        return HexFormat.of().formatHex(cipher.hash(type, value));
    }

    static byte[] utf8(String text) {
        return text.getBytes(StandardCharsets.UTF_8);
    }
}
