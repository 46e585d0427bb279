package io.portrait.ingestion.repository;

import com.google.protobuf.InvalidProtocolBufferException;
import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.util.JsonFormat;
import com.mongodb.client.model.Filters;
import io.portrait.ingestion.domain.CleanedEvent;
import io.portrait.ingestion.domain.CleanedIdentifier;
import io.portrait.ingestion.domain.StoredEvent;
import io.portrait.proto.event.v1.Event;
import io.portrait.proto.event.v1.Identifier;
import jakarta.inject.Singleton;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.Binary;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Map;

/**
 * Maps accepted events to documents of the {@code events} collection and back. Traits and properties are kept as
 * JSON text: their keys come from senders and may hold characters MongoDB does not allow in field names. What
 * describes a person is sealed: each identifier value is an AES-GCM ciphertext beside its keyed hash (to find it
 * by), and the traits are one ciphertext; properties (what happened) stay readable.
 */
@Singleton
class EventDocuments {

    static final String PENDING = "pending";
    static final String RESOLVED = "resolved";
    static final Date NEVER_LEASED = new Date(0);
    /**
     * Whether the event carries consent (given or withdrawn for some purpose). The {@code consent_timeline} index
     * holds it after the profile, so a real MongoDB reads a profile's consent-carrying events from that index in time
     * order instead of walking all its events; a filter on the consent list itself would need a partial index, which
     * the embedded server does not implement. Events stored by earlier versions lack it until {@link ConsentMarks}
     * has marked them.
     */
    static final String CARRIES_CONSENT = "carries_consent";

    private static final JsonFormat.Printer JSON = JsonFormat.printer().omittingInsignificantWhitespace();
    private static final JsonFormat.Parser PARSER = JsonFormat.parser();

    private final StoredValues values;

    EventDocuments(StoredValues values) {
        this.values = values;
    }

    Document toDocument(StoredEvent stored) {
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
                        .map(i -> new Document("type", i.type()).append("hash", values.hash(i.type(), i.value()))
                                .append("value", new Binary(values.sealText(i.value())))
                                .append("matchable", i.matchable()))
                        .toList())
                .append("consent", event.getConsentMap().entrySet().stream()
                        .map(c -> new Document("purpose", c.getKey()).append("granted", c.getValue()))
                        .toList())
                .append(CARRIES_CONSENT, event.getConsentCount() > 0)
                .append("status", PENDING);
        if (event.hasTraits()) {
            document.append("traits", new Binary(values.sealText(json(event.getTraits()))));
        }
        if (event.hasProperties()) {
            document.append("properties", json(event.getProperties()));
        }
        return document;
    }

    StoredEvent fromDocument(Document document) {
        List<CleanedIdentifier> identifiers = document.getList("identifiers", Document.class).stream()
                .map(i -> new CleanedIdentifier(i.getString("type"),
                        values.openText(i.get("value", Binary.class).getData()), i.getBoolean("matchable")))
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
            event.setTraits(struct(values.openText(document.get("traits", Binary.class).getData())));
        }
        if (document.containsKey("properties")) {
            event.setProperties(struct(document.getString("properties")));
        }
        CleanedEvent cleaned = new CleanedEvent(event.build(), identifiers, document.getBoolean("timestamp_clamped"));
        return new StoredEvent(document.getString("_id"), document.getString("workspace"),
                document.get("seq", Number.class).longValue(), cleaned);
    }

    /**
     * The events carrying consent: those marked so, and those without the mark (stored by an earlier version, before
     * {@link ConsentMarks} has marked them or, during an upgrade, after) whose consent list is not empty. Both are
     * equalities on the mark ({@code true}; null, which is how MongoDB indexes a missing field), so the
     * {@code consent_timeline} index serves the two ranges, each in time order; once the old events are marked,
     * nothing is left under null and only consent-carrying events are read.
     */
    static Bson carryingConsent() {
        return Filters.and(Filters.in(CARRIES_CONSENT, true, null), Filters.exists("consent.0"));
    }

    /** The lookup hash of an identifier, as stored beside its sealed value. */
    String hash(Identifier identifier) {
        return values.hash(identifier.getType(), identifier.getValue());
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
