package io.portrait.launcher.suite;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.util.Base64;

/**
 * The local suite's admin API key, in the gateway's token format ({@code ptk_<16 x [a-z0-9]>_<43 x base64url>}).
 * Made once per state directory and kept in a file only its owner can read, so a restarted suite keeps its key.
 */
public final class AdminKey {

    private static final char[] ID_ALPHABET = "abcdefghijklmnopqrstuvwxyz0123456789".toCharArray();

    private AdminKey() {
    }

    /** The key a running suite wrote, for commands that talk to it. */
    public static String read(Path file) {
        try {
            return Files.readString(file, StandardCharsets.UTF_8).strip();
        } catch (IOException e) {
            throw new IllegalStateException("no admin key at " + file + " (start the suite with ./portrait run, or pass --key)");
        }
    }

    public static String readOrCreate(Path file) {
        try {
            if (Files.exists(file)) {
                return Files.readString(file, StandardCharsets.UTF_8).strip();
            }
            String key = generate(new SecureRandom());
            OwnerOnly.write(file, key + "\n");
            return key;
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read or write " + file, e);
        }
    }

    static String generate(SecureRandom random) {
        StringBuilder id = new StringBuilder();
        for (int i = 0; i < 16; i++) {
            id.append(ID_ALPHABET[random.nextInt(ID_ALPHABET.length)]);
        }
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        return "ptk_" + id + "_" + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }
}
