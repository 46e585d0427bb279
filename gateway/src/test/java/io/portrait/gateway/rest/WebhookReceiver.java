package io.portrait.gateway.rest;

import com.sun.net.httpserver.HttpServer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/** A webhook receiver on this machine's loopback address: records every call and answers the status it is set to. */
final class WebhookReceiver {

    record Call(Map<String, List<String>> headers, byte[] body) {
        String header(String name) {
            return headers.entrySet().stream().filter(entry -> entry.getKey().equalsIgnoreCase(name))
                    .map(entry -> entry.getValue().get(0)).findFirst().orElse(null);
        }
    }

    static final String ADDRESS = "127.0.0.1";

    final List<Call> calls = new CopyOnWriteArrayList<>();
    final AtomicInteger status = new AtomicInteger(200);
    private final HttpServer server;

    private WebhookReceiver(HttpServer server) {
        this.server = server;
    }

    static WebhookReceiver start() throws IOException {
        HttpServer server = HttpServer.create(new InetSocketAddress(ADDRESS, 0), 0);
        WebhookReceiver receiver = new WebhookReceiver(server);
        server.createContext("/hooks", exchange -> {
            byte[] body = exchange.getRequestBody().readAllBytes();
            receiver.calls.add(new Call(Map.copyOf(exchange.getRequestHeaders()), body));
            exchange.sendResponseHeaders(receiver.status.get(), -1);
            exchange.close();
        });
        server.start();
        return receiver;
    }

    /** The receiver's URL by its address. */
    String url() {
        return url(ADDRESS);
    }

    /** The receiver's URL by a host name (one a test resolver answers with {@link #ADDRESS}). */
    String url(String host) {
        return "http://" + host + ":" + port() + "/hooks/portrait";
    }

    int port() {
        return server.getAddress().getPort();
    }

    void stop() {
        server.stop(0);
    }
}
