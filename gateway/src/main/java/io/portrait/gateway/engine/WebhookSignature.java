package io.portrait.gateway.engine;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.HexFormat;

/**
 * How a receiver knows a webhook call came from Portrait and was not replayed later: the header
 * {@code Portrait-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>" under the destination's secret>}.
 * The receiver recomputes the HMAC over the raw body it got, compares in constant time, and refuses a {@code t}
 * too far from its clock. The scheme is the one most webhook senders use, so receivers' libraries fit.
 */
public final class WebhookSignature {

    public static final String HEADER = "Portrait-Signature";
    /** Secrets start with this, so one found in a log or a repository is recognised as a Portrait webhook secret. */
    public static final String SECRET_PREFIX = "whsec_";

    private WebhookSignature() {
    }

    /** A new secret: 32 random bytes, URL-safe Base64 behind the prefix. */
    public static String newSecret(SecureRandom random) {
        byte[] secret = new byte[32];
        random.nextBytes(secret);
        return SECRET_PREFIX + Base64.getUrlEncoder().withoutPadding().encodeToString(secret);
    }

    /** The header's value for {@code body} sent at {@code epochSeconds}. */
    public static String header(String secret, long epochSeconds, byte[] body) {
        return "t=" + epochSeconds + ",v1=" + HexFormat.of().formatHex(hmac(secret, epochSeconds, body));
    }

    private static byte[] hmac(String secret, long epochSeconds, byte[] body) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(secret.getBytes(StandardCharsets.UTF_8), "HmacSHA256"));
            mac.update((epochSeconds + ".").getBytes(StandardCharsets.US_ASCII));
            return mac.doFinal(body);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException("HMAC-SHA256 is part of every JVM", e);
        }
    }
}
