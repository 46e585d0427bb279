package io.portrait.gateway.engine;

import java.net.InetAddress;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.UnknownHostException;
import java.util.Locale;
import java.util.Optional;

/**
 * Where a webhook destination may point. Portrait calls the URL from inside the deployment, so a URL naming an
 * internal address would let whoever configures a destination make the gateway reach the cluster's own services or
 * a cloud's metadata endpoint (server-side request forgery). Unless the deployment allows private networks, a
 * destination's host must resolve to public addresses only: checked when the destination is saved (for a literal
 * address) and again before every call (for a name, whose addresses may change).
 */
public final class DestinationAddress {

    public static final int MAX_LENGTH = 2000;

    private final boolean allowHttp;
    private final boolean allowPrivateNetworks;

    public DestinationAddress(boolean allowHttp, boolean allowPrivateNetworks) {
        this.allowHttp = allowHttp;
        this.allowPrivateNetworks = allowPrivateNetworks;
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
     * Before a call: empty when every address the host resolves to may be called, otherwise why not. A host that
     * does not resolve is an error of the call, as a refused connection is.
     */
    public Optional<String> refusedAtCall(URI uri) throws UnknownHostException {
        if (allowPrivateNetworks) {
            return Optional.empty();
        }
        for (InetAddress address : InetAddress.getAllByName(uri.getHost())) {
            Optional<String> refused = refused(address);
            if (refused.isPresent()) {
                return refused;
            }
        }
        return Optional.empty();
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
