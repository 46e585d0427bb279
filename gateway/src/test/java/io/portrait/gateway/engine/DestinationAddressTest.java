package io.portrait.gateway.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.URI;
import java.net.UnknownHostException;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DestinationAddressTest {

    private final DestinationAddress production = new DestinationAddress(false, false);

    @Test
    void acceptsAnHttpsUrlOfAPublicHost() {
        assertThat(production.parse(" https://hooks.example.com/portrait?team=crm "))
                .isEqualTo(URI.create("https://hooks.example.com/portrait?team=crm"));
        assertThat(production.parse("https://203.0.113.9:8443/in")).hasPort(8443);
    }

    @ParameterizedTest
    @CsvSource(delimiter = '|', value = {
            "http://hooks.example.com/in|\"url\" must be an https URL.",
            "ftp://hooks.example.com/in|\"url\" must be an https URL.",
            "hooks.example.com/in|\"url\" must be an https URL.",
            "https:///in|\"url\" has no host.",
            "https://user:pw@hooks.example.com/in|\"url\" must not carry credentials; receivers check the signature.",
            "https://hooks.example.com/in#part|\"url\" must not have a fragment.",
            "https://127.0.0.1/in|\"url\" points to a loopback address.",
            "https://[::1]/in|\"url\" points to a loopback address.",
            "https://10.1.2.3/in|\"url\" points to a private network address (10.1.2.3).",
            "https://192.168.0.10/in|\"url\" points to a private network address (192.168.0.10).",
            "https://172.16.5.4/in|\"url\" points to a private network address (172.16.5.4).",
            "https://169.254.169.254/latest/meta-data|\"url\" points to a private network address (169.254.169.254).",
            "https://100.64.0.1/in|\"url\" points to a private network address (100.64.0.1).",
            "https://0.0.0.0/in|\"url\" points to a private network address (0.0.0.0).",
            "https://[fd00::1]/in|\"url\" points to a private network address (fd00:0:0:0:0:0:0:1).",
            "https://exa mple.com/in|\"url\" is not a URL: Illegal character in authority."})
    void refusesWhatCannotBeADestination(String url, String why) {
        assertThatThrownBy(() -> production.parse(url))
                .isInstanceOf(DestinationAddress.InvalidDestination.class).hasMessage(why);
    }

    @ParameterizedTest
    @ValueSource(strings = {"", "  "})
    void aUrlIsRequired(String url) {
        assertThatThrownBy(() -> production.parse(url)).hasMessage("\"url\" is required.");
        assertThatThrownBy(() -> production.parse(null)).hasMessage("\"url\" is required.");
    }

    @Test
    void aVeryLongUrlIsRefused() {
        assertThatThrownBy(() -> production.parse("https://hooks.example.com/" + "a".repeat(2000)))
                .hasMessage("\"url\" is longer than 2000 characters.");
    }

    @Test
    void aNameThatResolvesToThisMachineIsRefusedBeforeEachCall() throws UnknownHostException {
        URI local = production.parse("https://localhost:9443/in");
        assertThat(production.refusedAtCall(local)).contains("a loopback address");
    }

    @Test
    void aDeploymentMayAllowHttpAndItsOwnNetwork() throws UnknownHostException {
        DestinationAddress local = new DestinationAddress(true, true);
        URI uri = local.parse("http://127.0.0.1:8089/in");
        assertThat(local.refusedAtCall(uri)).isEmpty();
        assertThatThrownBy(() -> new DestinationAddress(true, false).parse("ftp://hooks.example.com/in"))
                .hasMessage("\"url\" must be an http or https URL.");
    }
}
