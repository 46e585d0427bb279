package io.portrait.gateway.engine;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.net.InetAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class DestinationAddressTest {

    private final DestinationAddress production = new DestinationAddress(false, false, HostResolver.SYSTEM);

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
        DestinationAddress.CallAddresses checked = production.atCall(local);
        assertThat(checked.refused()).contains("a loopback address");
        assertThat(checked.addresses()).isEmpty();
    }

    @Test
    void aDeploymentMayAllowHttpAndItsOwnNetwork() throws UnknownHostException {
        DestinationAddress local = new DestinationAddress(true, true, HostResolver.SYSTEM);
        URI uri = local.parse("http://127.0.0.1:8089/in");
        DestinationAddress.CallAddresses checked = local.atCall(uri);
        assertThat(checked.refused()).isEmpty();
        assertThat(checked.addresses()).extracting(InetAddress::getHostAddress).containsExactly("127.0.0.1");
        assertThatThrownBy(() -> new DestinationAddress(true, false, HostResolver.SYSTEM)
                .parse("ftp://hooks.example.com/in"))
                .hasMessage("\"url\" must be an http or https URL.");
    }

    @Test
    void theCheckBeforeACallLooksTheNameUpOnceAndAnswersTheAddressesItApproved() throws Exception {
        List<String> lookups = new ArrayList<>();
        HostResolver zone = host -> {
            lookups.add(host);
            return List.of(address(host, "203.0.113.7"), address(host, "2001:db8::7"));
        };
        DestinationAddress.CallAddresses checked = new DestinationAddress(false, false, zone)
                .atCall(URI.create("https://hooks.example.com/in"));
        assertThat(checked.refused()).isEmpty();
        assertThat(checked.addresses()).extracting(InetAddress::getHostAddress)
                .containsExactly("203.0.113.7", "2001:db8:0:0:0:0:0:7");
        assertThat(lookups).containsExactly("hooks.example.com");
    }

    @Test
    void oneInternalAddressAmongPublicOnesRefusesTheCallAndApprovesNone() throws Exception {
        Map<String, List<String>> zone = Map.of(
                "rebound.example.com", List.of("203.0.113.7", "169.254.169.254"),
                "mixed.example.com", List.of("203.0.113.7", "10.0.0.5"));
        HostResolver resolver = host -> zone.get(host).stream().map(ip -> address(host, ip)).toList();
        DestinationAddress production = new DestinationAddress(false, false, resolver);

        DestinationAddress.CallAddresses metadata = production.atCall(URI.create("https://rebound.example.com/in"));
        assertThat(metadata.refused()).contains("a private network address (169.254.169.254)");
        assertThat(metadata.addresses()).isEmpty();
        assertThat(production.atCall(URI.create("https://mixed.example.com/in")).refused())
                .contains("a private network address (10.0.0.5)");
    }

    @Test
    void allowingPrivateNetworksStillLooksUpTheAddressToCall() throws Exception {
        HostResolver resolver = host -> List.of(address(host, "10.0.0.5"));
        DestinationAddress.CallAddresses checked = new DestinationAddress(true, true, resolver)
                .atCall(URI.create("http://crm.internal:8080/in"));
        assertThat(checked.refused()).isEmpty();
        assertThat(checked.addresses()).extracting(InetAddress::getHostAddress).containsExactly("10.0.0.5");
    }

    @Test
    void aNameWithoutAddressesIsUnknown() {
        DestinationAddress nothing = new DestinationAddress(false, false, host -> List.of());
        assertThatThrownBy(() -> nothing.atCall(URI.create("https://gone.example.com/in")))
                .isInstanceOf(UnknownHostException.class).hasMessage("gone.example.com");
    }

    private static InetAddress address(String host, String literal) {
        try {
            return InetAddress.getByAddress(host, InetAddress.getByName(literal).getAddress());
        } catch (UnknownHostException e) {
            throw new IllegalArgumentException(literal, e);
        }
    }
}
