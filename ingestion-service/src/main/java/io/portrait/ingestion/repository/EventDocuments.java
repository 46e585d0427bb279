package io.portrait.ingestion.repository;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import io.portrait.ingestion.domain.CleanedEvent;
import io.portrait.ingestion.domain.CleanedIdentifier;
import io.portrait.ingestion.domain.StoredEvent;
import io.portrait.proto.event.v1.Event;
import io.portrait.proto.event.v1.Identifier;
import org.bson.Document;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * Maps accepted events to documents of the {@code events} collection and back. Traits and properties are kept as
 * JSON text: their keys come from senders and may hold characters MongoDB does not allow in field names.
 */
final class EventDocuments {

    static final String PENDING = "pending";
    static final String RESOLVED = "resolved";
    static final Date NEVER_LEASED = new Date(0);

    private static final JsonFormat.Printer JSON = JsonFormat.printer().omittingInsignificantWhitespace();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser();

    private EventDocuments() {
    }

    static Document toDocument(StoredEvent stored) {
        Event event = stored.cleaned().event();
        Document document = new Document("_id", stored.eventId())
                .append("workspace", stored.workspace())
                .append("source", event.getSource())
                .append("message_id", event.getMessageId())
                .append("seq", stored.seq())
                .append("type", event.getType())
                .append("name", event.getName())
                .append("channel", event.getChannel())
                .append("timestamp", toDate(event.getTimestamp()))
                .append("timestamp_clamped", stored.cleaned().timestampClamped())
                .append("received_at", toDate(event.getReceivedAt()))
                .append("identifiers", stored.cleaned().identifiers().stream()
                        .map(i -> new Document("type", i.type()).append("value", i.value())
                                .append("matchable", i.matchable()))
                        .toList())
                .append("consent", event.getConsentMap().entrySet().stream()
                        .map(c -> new Document("purpose", c.getKey()).append("granted", c.getValue()))
                        .toList())
                .append("status", PENDING)
                .append("lease_until", NEVER_LEASED);
        if (event.hasTraits()) {
            document.append("traits", json(event.getTraits()));
        }
        if (event.hasProperties()) {
            document.append("properties", json(event.getProperties()));
        }
        return document;
    }

    static StoredEvent fromDocument(Document document) {
        List<CleanedIdentifier> identifiers = document.getList("identifiers", Document.class).stream()
                .map(i -> new CleanedIdentifier(i.getString("type"), i.getString("value"), i.getBoolean("matchable")))
                .toList();
        Event.Builder event = Event.newBuilder()
                .setMessageId(document.getString("message_id"))
                .setType(document.getString("type"))
                .setName(document.getString("name"))
                .setChannel(document.getString("channel"))
                .setSource(document.getString("source"))
                .setTimestamp(toTimestamp(document.getDate("timestamp")))
                .setReceivedAt(toTimestamp(document.getDate("received_at")));
        identifiers.forEach(i -> event.addIdentifiers(Identifier.newBuilder().setType(i.type()).setValue(i.value())));
        for (Document consent : document.getList("consent", Document.class)) {
            event.putConsent(consent.getString("purpose"), consent.getBoolean("granted"));
        }
        if (document.containsKey("traits")) {
            event.setTraits(struct(document.getString("traits")));
        }
        if (document.containsKey("properties")) {
            event.setProperties(struct(document.getString("properties")));
        }
        CleanedEvent cleaned = new CleanedEvent(event.build(), identifiers, document.getBoolean("timestamp_clamped"));
        return new StoredEvent(document.getString("_id"), document.getString("workspace"),
                document.get("seq", Number.class).longValue(), cleaned);
    }

    static Map.Entry<String, String> profileOf(Document document) {
        return Map.entry(document.getString("_id"), document.getString("profile_id"));
    }

    private static String json(Struct struct) {
        try {
            return JSON.print(struct);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalArgumentException("event carries a value JSON cannot represent", e);
        }
    }

    private static Struct struct(String json) {
        Struct.Builder struct = Struct.newBuilder();
        try {
            PARSER.merge(json, struct);
        } catch (InvalidProtocolBufferException e) {
            throw new IllegalStateException("stored event holds unreadable JSON", e);
        }
        return struct.build();
    }

    private static Date toDate(Timestamp timestamp) {
        return Date.from(Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos()));
    }

    private static Timestamp toTimestamp(Date date) {
        Instant instant = date.toInstant();
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }
}
