package io.portrait.gateway.engine;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.zip.GZIPInputStream;

/**
 * A request body sent with {@code Content-Encoding: gzip} (as some Segment SDKs send their batches), inflated only
 * up to the limit its route takes: a few kilobytes of gzip can stand for gigabytes, so the body is never inflated
 * past the limit, whatever its header claims.
 */
public final class GzipBody {

    private GzipBody() {
    }

    /**
     * The inflated body.
     *
     * @throws TooLarge       when it inflates to more than {@code limit} bytes
     * @throws Corrupt        when it is not gzip
     */
    public static byte[] inflate(byte[] body, int limit) {
        ByteArrayOutputStream out = new ByteArrayOutputStream(Math.min(limit, Math.max(1024, body.length * 4)));
        byte[] buffer = new byte[8192];
        try (InputStream in = new GZIPInputStream(new ByteArrayInputStream(body))) {
            for (int read = in.read(buffer); read != -1; read = in.read(buffer)) {
                if (out.size() + read > limit) {
                    throw new TooLarge(limit);
                }
                out.write(buffer, 0, read);
            }
        } catch (IOException e) {
            throw new Corrupt(e.getMessage());
        }
        return out.toByteArray();
    }

    /** The body inflates to more than the route takes. */
    public static final class TooLarge extends RuntimeException {
        private final int limit;

        TooLarge(int limit) {
            super("the body inflates to more than " + limit + " bytes");
            this.limit = limit;
        }

        public int limit() {
            return limit;
        }
    }

    /** The body is not gzip; the message says where it broke. */
    public static final class Corrupt extends RuntimeException {
        Corrupt(String message) {
            super(message == null ? "not gzip" : message);
        }
    }
}
