package io.portrait.gateway.engine;

import org.junit.jupiter.api.Test;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.zip.GZIPOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class GzipBodyTest {

    private static byte[] gzip(byte[] bytes) throws IOException {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (GZIPOutputStream zip = new GZIPOutputStream(out)) {
            zip.write(bytes);
        }
        return out.toByteArray();
    }

    @Test
    void aBodyWithinTheLimitIsInflatedWhole() throws IOException {
        byte[] json = "{\"batch\": []}".getBytes(StandardCharsets.UTF_8);

        assertThat(GzipBody.inflate(gzip(json), json.length)).isEqualTo(json);
    }

    @Test
    void aBodyInflatingPastTheLimitIsRefusedWithoutInflatingIt() throws IOException {
        byte[] bomb = gzip(new byte[64 << 20]);

        assertThat(bomb.length).isLessThan(100_000);
        assertThatThrownBy(() -> GzipBody.inflate(bomb, 512_000)).isInstanceOf(GzipBody.TooLarge.class)
                .hasMessageContaining("512000");
        assertThatThrownBy(() -> GzipBody.inflate(gzip(new byte[11]), 10)).isInstanceOf(GzipBody.TooLarge.class);
    }

    @Test
    void aBodyThatIsNotGzipIsCorrupt() {
        assertThatThrownBy(() -> GzipBody.inflate("{\"batch\": []}".getBytes(StandardCharsets.UTF_8), 1000))
                .isInstanceOf(GzipBody.Corrupt.class);
    }
}
