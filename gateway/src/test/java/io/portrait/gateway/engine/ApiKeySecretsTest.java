package io.portrait.gateway.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullAndEmptySource;
import org.junit.jupiter.params.provider.ValueSource;

import java.security.SecureRandom;

import static org.assertj.core.api.Assertions.assertThat;

class ApiKeySecretsTest {

    private final ApiKeySecrets secrets = new ApiKeySecrets(new SecureRandom());

    @Test
    void aNewTokenParsesBackIntoItsParts() {
        ApiKeySecrets.Token token = secrets.newToken(secrets.newKeyId());
        assertThat(token.value()).startsWith("ptk_").hasSize(4 + 16 + 1 + 43);
        assertThat(ApiKeySecrets.parse(token.value())).contains(token);
    }

    @Test
    void tokensDoNotRepeat() {
        String id = secrets.newKeyId();
        assertThat(secrets.newToken(id).secret()).isNotEqualTo(secrets.newToken(id).secret());
    }

    @ParameterizedTest
    @NullAndEmptySource
    @ValueSource(strings = {"ptk_", "Bearer abc", "ptk_ABCDEFGHIJKLMNOP_TestOnlyAdminSecretOfTheGatewayTests0000000",
            "ptk_testadmin0000001-TestOnlyAdminSecretOfTheGatewayTests0000000",
            "ptk_testadmin0000001_TestOnlyAdminSecretOfTheGatewayTests000000",
            "ptk_testadmin0000001_TestOnlyAdminSecretOfTheGatewayTests00000/0",
            "ptk_testadmin0000001_TestOnlyAdminSecretOfTheGatewayTests00000+0",
            "ptk_testadmin_000001_TestOnlyAdminSecretOfTheGatewayTests0000000",
            "ptk_testadmin0000001_TestOnlyAdminSecretOfTheGatewayTests0000000 ",
            "ptk_testadmin0000001_TestOnlyAdminSecretOfTheGatewayTests000000é",
            "PTK_testadmin0000001_TestOnlyAdminSecretOfTheGatewayTests0000000"})
    void malformedTokensAreNotKeys(String text) {
        assertThat(ApiKeySecrets.parse(text)).isEmpty();
    }

    @Test
    void aKeyIdOfLettersAndDigitsAndASecretOfUrlSafeBase64AreAKey() {
        assertThat(ApiKeySecrets.parse("ptk_testadmin0000001_Test-Only_AdminSecretOfTheGatewayTests00000"))
                .contains(new ApiKeySecrets.Token("testadmin0000001", "Test-Only_AdminSecretOfTheGatewayTests00000"));
    }

    @Test
    void theSameSecretHashesTheSameOnEveryThread() throws InterruptedException {
        String secret = secrets.newToken(secrets.newKeyId()).secret();
        byte[] here = ApiKeySecrets.hash(secret);
        byte[][] there = new byte[1][];
        Thread other = new Thread(() -> there[0] = ApiKeySecrets.hash(secret));
        other.start();
        other.join();
        assertThat(there[0]).isEqualTo(here);
        assertThat(ApiKeySecrets.hash(secret)).isEqualTo(here);
    }

    @Test
    void onlyTheRightSecretMatchesTheStoredHash() {
        ApiKeySecrets.Token token = secrets.newToken(secrets.newKeyId());
        byte[] stored = ApiKeySecrets.hash(token.secret());
        assertThat(ApiKeySecrets.matches(token.secret(), stored)).isTrue();
        assertThat(ApiKeySecrets.matches(secrets.newToken(token.keyId()).secret(), stored)).isFalse();
        assertThat(stored).isNotEqualTo(token.secret().getBytes());
    }
}
