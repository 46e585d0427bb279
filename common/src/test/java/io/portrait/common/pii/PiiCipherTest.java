package io.portrait.common.pii;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class PiiCipherTest {

    private final PiiCipher cipher = PiiCipher.fromBase64(PiiCipher.newKey(), PiiCipher.newKey());

    @Test
    void hashIsDeterministicAndTyped() {
        assertThat(cipher.hash("email", "ann@example.com")).isEqualTo(cipher.hash("email", "ann@example.com"));
        assertThat(cipher.hash("email", "ann@example.com")).isNotEqualTo(cipher.hash("user_id", "ann@example.com"));
        assertThat(cipher.hash("email", "ann@example.com")).isNotEqualTo(cipher.hash("email", "bob@example.com"));
    }

    @Test
    void hashDependsOnTheKey() {
        PiiCipher other = PiiCipher.fromBase64(PiiCipher.newKey(), PiiCipher.newKey());
        assertThat(other.hash("email", "ann@example.com")).isNotEqualTo(cipher.hash("email", "ann@example.com"));
    }

    @Test
    void encryptionRoundTripsWithFreshNonces() {
        byte[] first = cipher.encrypt("+8613800138000");
        byte[] second = cipher.encrypt("+8613800138000");
        assertThat(first).isNotEqualTo(second);
        assertThat(cipher.decrypt(first)).isEqualTo("+8613800138000");
        assertThat(new String(first)).doesNotContain("13800138000");
    }

    @Test
    void tamperedCiphertextIsRefused() {
        byte[] sealed = cipher.encrypt("ann@example.com");
        sealed[sealed.length - 1] ^= 1;
        assertThatThrownBy(() -> cipher.decrypt(sealed)).isInstanceOf(IllegalArgumentException.class);
        // The thread's cipher is reused: a refusal must leave it able to open the next value.
        assertThat(cipher.decrypt(cipher.encrypt("bob@example.com"))).isEqualTo("bob@example.com");
    }

    /** Each thread has its own cipher and HMAC: concurrent use gives every thread its own right answers. */
    @Test
    void concurrentUseGivesEveryThreadItsOwnResults() throws Exception {
        byte[] expectedHash = cipher.hash("email", "ann@example.com");
        ExecutorService threads = Executors.newFixedThreadPool(8);
        try {
            List<Future<Boolean>> results = new ArrayList<>();
            for (int t = 0; t < 8; t++) {
                String value = "person-" + t + "@example.com";
                results.add(threads.submit(() -> {
                    for (int i = 0; i < 2_000; i++) {
                        if (!cipher.decrypt(cipher.encrypt(value)).equals(value)
                                || !Arrays.equals(cipher.hash("email", "ann@example.com"), expectedHash)) {
                            return false;
                        }
                    }
                    return true;
                }));
            }
            for (Future<Boolean> result : results) {
                assertThat(result.get(60, TimeUnit.SECONDS)).isTrue();
            }
        } finally {
            threads.shutdownNow();
        }
    }

    @Test
    void keysMustBe256Bits() {
        assertThatThrownBy(() -> PiiCipher.fromBase64("c2hvcnQ=", PiiCipher.newKey()))
                .hasMessageContaining("32 bytes");
        assertThatThrownBy(() -> PiiCipher.fromBase64("", PiiCipher.newKey()))
                .hasMessageContaining("not configured");
    }

    @ParameterizedTest
    @CsvSource({"phone, +8613800138000, 138****8000", "email, ann@example.com, a***@example.com",
            "user_id, u-1234567890, u-1****890"})
    void masksForCallersWithoutPiiScope(String type, String value, String masked) {
        assertThat(PiiMask.mask(type, value)).isEqualTo(masked);
    }
}
