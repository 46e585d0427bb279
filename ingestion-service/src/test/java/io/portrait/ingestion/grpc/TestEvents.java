package io.portrait.ingestion.grpc;

import io.portrait.proto.event.v1.Identifier;
import io.portrait.proto.ingestion.v1.CollectedEvent;

import java.util.UUID;

/** Collected events for the API tests. */
final class TestEvents {

    private TestEvents() {
    }

    static String workspace() {
        return "ws-" + UUID.randomUUID();
    }

    /** A valid track event identified by the given "type=value" pairs. */
    static CollectedEvent track(String messageId, String... identifiers) {
        CollectedEvent.Builder event = CollectedEvent.newBuilder()
                .setMessageId(messageId)
                .setType("track")
                .setName("Product Viewed")
                .setChannel("app")
                .setTimestamp("2026-01-05T10:00:00+08:00");
        for (String identifier : identifiers) {
            String[] parts = identifier.split("=", 2);
            event.addIdentifiers(Identifier.newBuilder().setType(parts[0]).setValue(parts[1]));
        }
        return event.build();
    }
}
