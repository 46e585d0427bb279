package io.portrait.ingestion.client;

import io.portrait.proto.sink.v1.EventSink;
import io.quarkus.grpc.GrpcClient;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.TreeSet;

/**
 * The EventSink clients by sink name. gRPC clients are wired at build time, so each sink that may be configured
 * in {@code portrait.ingestion.sinks} has its injection point here.
 */
@ApplicationScoped
public class SinkClients {

    private final Map<String, EventSink> clients;

    public SinkClients(@GrpcClient("tagging") EventSink tagging,
                       @GrpcClient("scoring") EventSink scoring,
                       @GrpcClient("recommendation") EventSink recommendation) {
        this.clients = Map.of("tagging", tagging, "scoring", scoring, "recommendation", recommendation);
    }

    public EventSink client(String sink) {
        EventSink client = clients.get(sink);
        if (client == null) {
            throw new IllegalArgumentException("no gRPC client for sink '" + sink + "'; known sinks: "
                    + new TreeSet<>(clients.keySet()));
        }
        return client;
    }
}
