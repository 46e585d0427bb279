package io.portrait.gateway.engine;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a webhook destination may point. Portrait calls the URL from inside the deployment, so a URL naming an
 * internal address would let whoever configures a destination make the gateway reach the cluster's own services or
 * a cloud's metadata endpoint (server-side request forgery). Unless the deployment allows private networks, a
 * destination's host must resolve to public addresses only: checked when the destination is saved (for a literal
 * address) and again before every call (for a name, whose addresses may change). The call then connects to an address
 * that check approved and never looks the name up again, so a name whose answer changes between the check and the
 * connection (DNS rebinding) cannot send it elsewhere.
 */
public final class DestinationAddress {

    public static final int MAX_LENGTH = 2000;

    private final boolean allowHttp;
    private final boolean allowPrivateNetworks;
    private final HostResolver resolver;

    public DestinationAddress(boolean allowHttp, boolean allowPrivateNetworks, HostResolver resolver) {
        this.allowHttp = allowHttp;
        this.allowPrivateNetworks = allowPrivateNetworks;
        this.resolver = resolver;
    }

    /** The URL as it will be called, or why it cannot be a destination (a sentence for a 400 answer). */
    public URI parse(String url) {
        if (url == null || url.isBlank()) {
            throw new InvalidDestination("\"url\" is required.");
        }
        if (url.length() > MAX_LENGTH) {
            throw new InvalidDestination("\"url\" is longer than " + MAX_LENGTH + " characters.");
        }
        URI uri;
        try {
            uri = new URI(url.strip());
        } catch (URISyntaxException e) {
            throw new InvalidDestination("\"url\" is not a URL: " + e.getReason() + ".");
        }
        String scheme = uri.getScheme() == null ? "" : uri.getScheme().toLowerCase(Locale.ROOT);
        if (!scheme.equals("https") && !(allowHttp && scheme.equals("http"))) {
            throw new InvalidDestination(allowHttp ? "\"url\" must be an http or https URL."
                    : "\"url\" must be an https URL.");
        }
        if (uri.getHost() == null || uri.getHost().isEmpty()) {
            throw new InvalidDestination("\"url\" has no host.");
        }
        if (uri.getRawUserInfo() != null) {
            throw new InvalidDestination("\"url\" must not carry credentials; receivers check the signature.");
        }
        if (uri.getRawFragment() != null) {
            throw new InvalidDestination("\"url\" must not have a fragment.");
        }
        literalAddress(uri.getHost()).flatMap(this::refused).ifPresent(reason -> {
            throw new InvalidDestination("\"url\" points to " + reason + ".");
        });
        return uri;
    }

    /**
     * Before a call: looks the host up once and answers the addresses the call may connect to (all of them may be
     * called), or why it may not be made. Allowing private networks skips the check, not the lookup: the call still
     * goes to an address found here. A host that does not resolve is an error of the call, as a refused connection is.
     */
    public CallAddresses atCall(URI uri) throws UnknownHostException {
        List<InetAddress> found = resolver.addresses(uri.getHost());
        if (found.isEmpty()) {
            throw new UnknownHostException(uri.getHost());
        }
        for (InetAddress address : found) {
            Optional<String> refused = refused(address);
            if (refused.isPresent()) {
                return new CallAddresses(List.of(), refused);
            }
        }
        return new CallAddresses(found, Optional.empty());
    }

    /** What the check before a call found: the approved addresses, or (with none) why the call is refused. */
    public record CallAddresses(List<InetAddress> addresses, Optional<String> refused) {
        public CallAddresses {
            addresses = List.copyOf(addresses);
        }
    }

    private Optional<String> refused(InetAddress address) {
        if (allowPrivateNetworks) {
            return Optional.empty();
        }
        if (address.isLoopbackAddress()) {
            return Optional.of("a loopback address");
        }
        if (address.isAnyLocalAddress() || address.isLinkLocalAddress() || address.isSiteLocalAddress()
                || address.isMulticastAddress() || isUniqueLocal(address) || isSharedOrMetadata(address)) {
            return Optional.of("a private network address (" + address.getHostAddress() + ")");
        }
        return Optional.empty();
    }

    /** IPv6 unique local addresses (fc00::/7), private as IPv4's site-local ranges are. */
    private static boolean isUniqueLocal(InetAddress address) {
        byte[] bytes = address.getAddress();
        return bytes.length == 16 && (bytes[0] & 0xfe) == 0xfc;
    }

    /** 100.64.0.0/10 (carrier-grade NAT, used inside some clouds) and 0.0.0.0/8. */
    private static boolean isSharedOrMetadata(InetAddress address) {
        byte[] bytes = address.getAddress();
        if (bytes.length != 4) {
            return false;
        }
        int first = bytes[0] & 0xff;
        int second = bytes[1] & 0xff;
        return first == 0 || (first == 100 && second >= 64 && second < 128);
    }

    /** The address a host names literally (an IPv4 or a bracketed IPv6 address), without any lookup. */
    private static Optional<InetAddress> literalAddress(String host) {
        String bare = host.startsWith("[") && host.endsWith("]") ? host.substring(1, host.length() - 1) : host;
        boolean literal = bare.contains(":") || bare.matches("[0-9.]+");
        if (!literal) {
            return Optional.empty();
        }
        try {
            return Optional.of(InetAddress.getByName(bare));
        } catch (UnknownHostException e) {
            throw new InvalidDestination("\"url\" has a host that is not an address: " + host + ".");
        }
    }

    /** A URL that cannot be a destination; the message is the 400 answer's detail. */
    public static final class InvalidDestination extends RuntimeException {
        public InvalidDestination(String message) {
            super(message);
        }
    }
}
