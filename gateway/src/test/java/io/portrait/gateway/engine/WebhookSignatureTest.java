package io.portrait.gateway.engine;

import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;

import static org.assertj.core.api.Assertions.assertThat;

class WebhookSignatureTest {

    @Test
    void signsTheTimeAndTheBodyAsReceiversRecomputeIt() {
        // printf '%s' '1767607200.{"segment":"vip"}' | openssl dgst -sha256 -hmac 'whsec_test-secret'
        assertThat(WebhookSignature.header("whsec_test-secret", 1767607200L,
                "{\"segment\":\"vip\"}".getBytes(StandardCharsets.UTF_8)))
                .isEqualTo("t=1767607200,v1=e3da593468d2b9c945e98ae808b40cf8e6d1d99b1b2b6d828b827af76b6d2afa");
    }

    @Test
    void anotherTimeOrBodyGivesAnotherSignature() {
        byte[] body = "{\"segment\":\"vip\"}".getBytes(StandardCharsets.UTF_8);
        String signed = WebhookSignature.header("whsec_test-secret", 1767607200L, body);
        assertThat(WebhookSignature.header("whsec_test-secret", 1767607201L, body)).isNotEqualTo(signed);
        assertThat(WebhookSignature.header("whsec_test-secret", 1767607200L,
                "{\"segment\":\"vip2\"}".getBytes(StandardCharsets.UTF_8))).doesNotEndWith(signed.substring(13));
    }

    @Test
    void secretsAreRandomAndRecognisable() {
        SecureRandom random = new SecureRandom();
        String one = WebhookSignature.newSecret(random);
        assertThat(one).startsWith("whsec_").hasSize(6 + 43);
        assertThat(WebhookSignature.newSecret(random)).isNotEqualTo(one);
    }
}
