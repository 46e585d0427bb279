package io.portrait.ingestion.grpc;

import io.grpc.Context;
import io.grpc.Contexts;
import io.grpc.Metadata;
import io.grpc.ServerCall;
import io.grpc.ServerCallHandler;
import io.grpc.ServerInterceptor;
import io.quarkus.grpc.GlobalInterceptor;
import jakarta.enterprise.context.ApplicationScoped;

/**
 * All three sink clients call the one test sink; each is configured (in %test) with the user agent
 * {@code sink/<name>}, which this interceptor exposes so the test sink knows which relay is calling.
 */
@ApplicationScoped
@GlobalInterceptor
public class SinkNameInterceptor implements ServerInterceptor {

    static final Context.Key<String> SINK = Context.key("sink");
    private static final Metadata.Key<String> USER_AGENT = Metadata.Key.of("user-agent", Metadata.ASCII_STRING_MARSHALLER);

    @Override
    public <Q, A> ServerCall.Listener<Q> interceptCall(ServerCall<Q, A> call, Metadata headers,
                                                       ServerCallHandler<Q, A> next) {
        String agent = headers.get(USER_AGENT);
        String sink = agent != null && agent.startsWith("sink/") ? agent.substring(5).split(" ")[0] : "unknown";
        return Contexts.interceptCall(Context.current().withValue(SINK, sink), call, headers, next);
    }
}
