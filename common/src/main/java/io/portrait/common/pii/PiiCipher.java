package io.portrait.common.pii;

import javax.crypto.Cipher;
import javax.crypto.Mac;
import javax.crypto.spec.GCMParameterSpec;
import javax.crypto.spec.SecretKeySpec;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * Protects identifier values and PII at rest: a keyed hash (HMAC-SHA256) to match on, and an AES-GCM
 * ciphertext to display from. Both keys are 256 bits and come from configuration, never from code.
 */
public final class PiiCipher {

    private static final int NONCE_BYTES = 12;
    private static final int TAG_BITS = 128;

    private final SecretKeySpec hashKey;
    private final SecretKeySpec encryptionKey;
    private final SecureRandom random = new SecureRandom();
    /**
     * One AES-GCM cipher and one HMAC per thread and key: looking the algorithms up costs about ten times the
     * work on a short value, and neither object may be shared between threads. Each use initializes the cipher
     * afresh with its own nonce; the HMAC is keyed once and reset by every doFinal.
     */
    private final ThreadLocal<Cipher> ciphers = ThreadLocal.withInitial(PiiCipher::newCipher);
    private final ThreadLocal<Mac> macs = ThreadLocal.withInitial(this::newMac);

    public PiiCipher(byte[] hashKey, byte[] encryptionKey) {
        requireLength("hash key", hashKey);
        requireLength("encryption key", encryptionKey);
        this.hashKey = new SecretKeySpec(hashKey, "HmacSHA256");
        this.encryptionKey = new SecretKeySpec(encryptionKey, "AES");
    }

    /** Keys given as Base64 text, as they come from configuration or a Kubernetes secret. */
    public static PiiCipher fromBase64(String hashKey, String encryptionKey) {
        return new PiiCipher(decodeKey("hash key", hashKey), decodeKey("encryption key", encryptionKey));
    }

    /** A new random 256-bit key as Base64, for first-time setup. */
    public static String newKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return Base64.getEncoder().encodeToString(key);
    }

    /** Deterministic keyed hash of a typed value: equal inputs give equal hashes, nothing else does. */
    public byte[] hash(String type, String value) {
        Mac mac = macs.get();
        mac.update(type.getBytes(StandardCharsets.UTF_8));
        mac.update((byte) 0);
        return mac.doFinal(value.getBytes(StandardCharsets.UTF_8));
    }

    /** AES-GCM with a random nonce; the result is nonce followed by ciphertext and tag. */
    public byte[] encrypt(String plaintext) {
        byte[] nonce = new byte[NONCE_BYTES];
        random.nextBytes(nonce);
        try {
            Cipher cipher = ciphers.get();
            cipher.init(Cipher.ENCRYPT_MODE, encryptionKey, new GCMParameterSpec(TAG_BITS, nonce));
            byte[] sealed = cipher.doFinal(plaintext.getBytes(StandardCharsets.UTF_8));
            return ByteBuffer.allocate(NONCE_BYTES + sealed.length).put(nonce).put(sealed).array();
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    /** Reverses {@link #encrypt}; fails when the ciphertext was altered or sealed with another key. */
    public String decrypt(byte[] sealed) {
        if (sealed.length <= NONCE_BYTES) {
            throw new IllegalArgumentException("ciphertext too short");
        }
        try {
            Cipher cipher = ciphers.get();
            cipher.init(Cipher.DECRYPT_MODE, encryptionKey, new GCMParameterSpec(TAG_BITS, sealed, 0, NONCE_BYTES));
            byte[] plain = cipher.doFinal(sealed, NONCE_BYTES, sealed.length - NONCE_BYTES);
            return new String(plain, StandardCharsets.UTF_8);
        } catch (GeneralSecurityException e) {
            throw new IllegalArgumentException("ciphertext cannot be opened with this key", e);
        }
    }

    private static Cipher newCipher() {
        try {
            return Cipher.getInstance("AES/GCM/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("AES-GCM unavailable", e);
        }
    }

    private Mac newMac() {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(hashKey);
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 unavailable", e);
        }
    }

    private static byte[] decodeKey(String name, String base64) {
        if (base64 == null || base64.isBlank()) {
            throw new IllegalArgumentException(name + " is not configured");
        }
        try {
            return Base64.getDecoder().decode(base64.trim());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(name + " is not valid Base64", e);
        }
    }

    private static void requireLength(String name, byte[] key) {
        if (key == null || key.length != 32) {
            throw new IllegalArgumentException(name + " must be 32 bytes (256 bits)");
        }
    }
}
