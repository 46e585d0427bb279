package io.portrait.gateway.engine;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * API key tokens: {@code ptk_<keyId>_<secret>}. The key id is public (it names the key in lists and audit
 * entries); the secret is 32 random bytes, shown once and stored only as its SHA-256. A fast hash is enough
 * because the secret is random, not a password: guessing it is as hard as guessing 256 random bits.
 */
public final class ApiKeySecrets {

    public static final String PREFIX = "ptk_";
    private static final Pattern KEY_ID = Pattern.compile("[a-z0-9]{16}");
    private static final Pattern SECRET = Pattern.compile("[A-Za-z0-9_-]{43}");
    private static final char[] ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

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
        char[] id = new char[16];
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

    /** The token's parts, or empty when the text cannot be a Portrait API key at all. */
    public static Optional<Token> parse(String text) {
        if (text == null || !text.startsWith(PREFIX) || text.length() != PREFIX.length() + 16 + 1 + 43) {
            return Optional.empty();
        }
        String keyId = text.substring(PREFIX.length(), PREFIX.length() + 16);
        char separator = text.charAt(PREFIX.length() + 16);
        String secret = text.substring(PREFIX.length() + 17);
        if (separator != '_' || !KEY_ID.matcher(keyId).matches() || !SECRET.matcher(secret).matches()) {
            return Optional.empty();
        }
        return Optional.of(new Token(keyId, secret));
    }

    public static byte[] hash(String secret) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(secret.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JVM", e);
        }
    }

    /** Constant-time, so the comparison leaks nothing about how much of a guess was right. */
    public static boolean matches(String secret, byte[] storedHash) {
        return MessageDigest.isEqual(hash(secret), storedHash);
    }
}
