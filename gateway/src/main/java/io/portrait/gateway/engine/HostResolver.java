package io.portrait.gateway.engine;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;

/**
 * Looks a host name up. The one place a webhook destination's name becomes addresses: the check before a call
 * approves what this answers, and the call connects to one of those addresses without asking again.
 */
@FunctionalInterface
public interface HostResolver {

    /** The system's name service (hosts file, DNS), as the JDK asks it. */
    HostResolver SYSTEM = host -> List.of(InetAddress.getAllByName(host));

    /** Every address the host has, in the order to try them; never empty. */
    List<InetAddress> addresses(String host) throws UnknownHostException;
}
