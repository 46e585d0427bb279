package io.portrait.gateway.engine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;

/**
 * API key tokens: {@code ptk_<keyId>_<secret>}. The key id is public (it names the key in lists and audit
 * entries); the secret is 32 random bytes, shown once and stored only as its SHA-256. A fast hash is enough
 * because the secret is random, not a password: guessing it is as hard as guessing 256 random bits.
 */
public final class ApiKeySecrets {

    public static final String PREFIX = "ptk_";
    private static final int KEY_ID_LENGTH = 16;
    private static final int SECRET_LENGTH = 43;
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    /**
     * Every request hashes the secret it presents; looking SHA-256 up among the security providers each time cost
     * more than the hash itself, so each thread keeps its own digest.
     */
    private static final ThreadLocal<MessageDigest> SHA_256 = ThreadLocal.withInitial(() -> {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    });

    private final SecureRandom random;

    public ApiKeySecrets(SecureRandom random) {
        this.random = random;
    }

    /** A token as presented by a caller, split into its parts. */
    public record Token(String keyId, String secret) {
        public String value() {
            return PREFIX + keyId + "_" + secret;
        }
    }

    public String newKeyId() {
        char[] id = new char[KEY_ID_LENGTH];
        for (int i = 0; i < id.length; i++) {
            id[i] = ALPHABET[random.nextInt(ALPHABET.length)];
        }
        return new String(id);
    }

    public Token newToken(String keyId) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        return new Token(keyId, Base64.getUrlEncoder().withoutPadding().encodeToString(secret));
    }

    /**
     * The token's parts, or empty when the text cannot be a Portrait API key at all: a 16-character key id of
     * lower-case letters and digits and a 43-character URL-safe Base64 secret. Checked character by character,
     * as it runs on every request.
     */
    public static Optional<Token> parse(String text) {
        int idStart = PREFIX.length();
        int secretStart = idStart + KEY_ID_LENGTH + 1;
        if (text == null || !text.startsWith(PREFIX) || text.length() != secretStart + SECRET_LENGTH
                || text.charAt(secretStart - 1) != '_') {
            return Optional.empty();
        }
        for (int i = idStart; i < secretStart - 1; i++) {
            if (!isKeyIdChar(text.charAt(i))) {
                return Optional.empty();
            }
        }
        for (int i = secretStart; i < text.length(); i++) {
            if (!isSecretChar(text.charAt(i))) {
                return Optional.empty();
            }
        }
        return Optional.of(new Token(text.substring(idStart, secretStart - 1), text.substring(secretStart)));
    }

    private static boolean isKeyIdChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9');
    }

    private static boolean isSecretChar(char c) {
        return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
    }

    public static byte[] hash(String secret) {
        MessageDigest digest = SHA_256.get();
        digest.reset();
        return digest.digest(secret.getBytes(StandardCharsets.UTF_8));
    }

    /** Constant-time, so the comparison leaks nothing about how much of a guess was right. */
    public static boolean matches(String secret, byte[] storedHash) {
        return MessageDigest.isEqual(hash(secret), storedHash);
    }
}
