package io.portrait.gateway.client;

import io.portrait.gateway.config.GatewayConfig;
import io.smallrye.mutiny.Uni;
import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;

import java.net.ConnectException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.URI;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * The client webhook calls go out on. It connects to the address the destination check approved and never resolves
 * the URL's host itself: a name whose answer changes between the check and the connection (DNS rebinding) cannot
 * send a call into the deployment's network. The request still names the URL's host (the Host header, the TLS
 * server name and the certificate's host check), so https receivers work as they would for any client. Never follows
 * a redirect (a receiver could send the call on to an address the checks refused); HTTP/1.1, as most receivers speak
 * it.
 */
@ApplicationScoped
public class WebhookClient {

    private final HttpClient http;
    /** The event-loop context every call runs on (created once: off Vert.x threads each ask would make a new one). */
    private final Context context;
    private final long timeoutMillis;

    public WebhookClient(Vertx vertx, GatewayConfig config) {
        this.timeoutMillis = config.destinations().timeout().toMillis();
        this.context = vertx.getOrCreateContext();
        this.http = vertx.createHttpClient(new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_1_1)
                .setVerifyHost(true)
                .setConnectTimeout((int) Math.min(Integer.MAX_VALUE, timeoutMillis)));
    }

    /** One call: the destination's URL, the checked addresses to connect to (in order), and what to post. */
    public record Call(URI url, List<InetAddress> addresses, Map<String, String> headers, byte[] body) {
        public Call {
            if (addresses.isEmpty()) {
                throw new IllegalArgumentException("a call needs an address to connect to");
            }
            addresses = List.copyOf(addresses);
        }
    }

    /**
     * Posts the call and answers the receiver's status once its answer is read. An address that cannot be connected
     * to (refused, or no connection in time) gives way to the next, as a host's several addresses are tried by any
     * client (a dual-stack name whose IPv6 address this network cannot reach); nothing was sent to it, so the
     * receiver still gets the call once. Fails as the last address's connection does.
     */
    public Uni<Integer> post(Call call) {
        return post(call, 0);
    }

    private Uni<Integer> post(Call call, int index) {
        boolean last = index == call.addresses().size() - 1;
        return send(call, call.addresses().get(index))
                .onFailure(failure -> !last && (failure instanceof ConnectException
                        || failure.getCause() instanceof ConnectException))
                .recoverWithUni(() -> post(call, index + 1));
    }

    private Uni<Integer> send(Call call, InetAddress address) {
        URI url = call.url();
        boolean https = "https".equals(url.getScheme().toLowerCase(Locale.ROOT));
        int port = url.getPort() != -1 ? url.getPort() : https ? 443 : 80;
        RequestOptions options = new RequestOptions()
                .setMethod(HttpMethod.POST)
                .setServer(SocketAddress.inetSocketAddress(new InetSocketAddress(unnamed(address), port)))
                .setHost(url.getHost())
                .setPort(port)
                .setSsl(https)
                .setURI(target(url))
                .setFollowRedirects(false)
                .setConnectTimeout(timeoutMillis)
                .setIdleTimeout(timeoutMillis);
        call.headers().forEach(options::putHeader);
        // On the client's own event loop: begun from a worker thread (where the delivery checks the address), the
        // answer could arrive on the event loop before the handler waiting for its end was set.
        return Uni.createFrom().emitter(emitter -> context.runOnContext(ignored -> http.request(options)
                .compose(request -> request.send(Buffer.buffer(call.body())))
                .compose(response -> response.end().map(read -> response.statusCode()))
                .onComplete(answer -> {
                    if (answer.succeeded()) {
                        emitter.complete(answer.result());
                    } else {
                        emitter.fail(answer.cause());
                    }
                })));
    }

    /** The path and query the request line carries. */
    private static String target(URI url) {
        String path = url.getRawPath() == null || url.getRawPath().isEmpty() ? "/" : url.getRawPath();
        return url.getRawQuery() == null ? path : path + "?" + url.getRawQuery();
    }

    /**
     * The address without the name it was looked up by: the connection pool then keys on the address itself, so a
     * name that now resolves elsewhere gets a connection to the newly checked address, not one made for the old.
     */
    private static InetAddress unnamed(InetAddress address) {
        try {
            return address instanceof Inet6Address v6 && v6.getScopeId() != 0
                    ? Inet6Address.getByAddress(null, v6.getAddress(), v6.getScopeId())
                    : InetAddress.getByAddress(address.getAddress());
        } catch (UnknownHostException e) {
            throw new IllegalStateException("an address's own bytes are an address", e);
        }
    }

    @PreDestroy
    void close() {
        http.close();
    }
}
