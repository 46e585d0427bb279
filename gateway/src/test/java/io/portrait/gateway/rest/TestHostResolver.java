package io.portrait.gateway.rest;

import io.portrait.gateway.engine.HostResolver;
import jakarta.inject.Singleton;

import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * The gateway's name service in tests: answers the names a test gave it (names no real DNS knows, so only a call that
 * connects to the looked-up address reaches them) and asks the system for every other name.
 */
@Singleton
public class TestHostResolver implements HostResolver {

    private final Map<String, List<InetAddress>> answers = new ConcurrentHashMap<>();

    /** From now on, the host resolves to the addresses, in this order. */
    void answer(String host, String... addresses) throws UnknownHostException {
        List<InetAddress> answer = new ArrayList<>();
        for (String address : addresses) {
            answer.add(InetAddress.getByAddress(host, InetAddress.getByName(address).getAddress()));
        }
        answers.put(host, List.copyOf(answer));
    }

    void forgetAll() {
        answers.clear();
    }

    @Override
    public List<InetAddress> addresses(String host) throws UnknownHostException {
        List<InetAddress> answer = answers.get(host);
        return answer != null ? answer : SYSTEM.addresses(host);
    }
}
