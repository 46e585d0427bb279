package io.portrait.ingestion.repository;

import com.google.protobuf.InvalidProtocolBufferException;
import com.mongodb.client.model.BulkWriteOptions;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import com.mongodb.client.model.UpdateOneModel;
import com.mongodb.client.model.UpdateOptions;
import com.mongodb.client.model.Updates;
import io.portrait.ingestion.domain.Quarantined;
import io.portrait.proto.ingestion.v1.CollectedEvent;
import io.portrait.proto.ingestion.v1.FieldError;
import io.quarkus.mongodb.FindOptions;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.bson.Document;
import org.bson.conversions.Bson;
import org.bson.types.Binary;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Date;
import java.util.HexFormat;
import java.util.List;
import java.util.Optional;
import java.util.UUID;

/**
 * Rejected events, one document each, kept until a replay or a later delivery of the same message is accepted.
 * An event with a message id has an id derived from (workspace, source, message id), so sending it again while it
 * is still wrong updates the one entry instead of piling up copies; one without gets a random id. The event is
 * kept as sent (its protobuf bytes), so a replay sees exactly what the sender sent.
 */
@ApplicationScoped
public class QuarantineRepository {

    static final String IDENTIFIER_HASHES = "identifier_hashes";
    /** When the event first arrived: set when its entry is created, never changed by a later attempt. */
    static final String RECEIVED_AT = "received_at";

    private final IngestionStore store;
    private final StoredValues values;
    private final IdentifierHashes hashes;

    public QuarantineRepository(IngestionStore store, StoredValues values, IdentifierHashes hashes) {
        this.store = store;
        this.values = values;
        this.hashes = hashes;
    }

    /** The quarantine id of an event: stable for a message id, random without one. */
    public static String idOf(String workspace, String source, String messageId) {
        if (messageId.isBlank()) {
            return "q-" + UUID.randomUUID();
        }
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(
                    (workspace + '\u0000' + source + '\u0000' + messageId).getBytes(StandardCharsets.UTF_8));
            return "q-" + HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 unavailable", e);
        }
    }

    /** Stores or refreshes the entries; each counts one more attempt. */
    public Uni<Void> put(List<Quarantined> entries) {
        if (entries.isEmpty()) {
            return Uni.createFrom().voidItem();
        }
        List<UpdateOneModel<Document>> writes = new ArrayList<>();
        for (Quarantined entry : entries) {
            Date now = Date.from(entry.lastAttemptAt());
            writes.add(new UpdateOneModel<>(Filters.eq("_id", entry.id()), Updates.combine(
                    Updates.set("workspace", entry.workspace()),
                    Updates.set("source", entry.event().getSource().isBlank() ? "default" : entry.event().getSource().strip()),
                    Updates.set("message_id", entry.event().getMessageId()),
                    Updates.set("event", new Binary(values.seal(entry.event().toByteArray()))),
                    Updates.set("errors", entry.errors().stream().map(e -> new Document("field", e.getField())
                            .append("code", e.getCode()).append("message", e.getMessage())).toList()),
                    Updates.set("codes", entry.errors().stream().map(FieldError::getCode).distinct().toList()),
                    // The lookup hashes of its identifiers, as a stored event keeps them: erasing a person finds
                    // the rejected events that carried one of theirs.
                    Updates.set(IDENTIFIER_HASHES, lookupHashes(entry.event())),
                    Updates.set("last_attempt_at", now),
                    Updates.setOnInsert(RECEIVED_AT, Date.from(entry.receivedAt())),
                    Updates.inc("attempts", 1)), new UpdateOptions().upsert(true)));
        }
        return store.quarantine().bulkWrite(writes, new BulkWriteOptions().ordered(false)).replaceWithVoid();
    }

    /** Removes the workspace's entries carrying an identifier with one of the lookup hashes; answers how many. */
    public Uni<Long> eraseHolding(String workspace, Collection<String> identifierHashes) {
        if (identifierHashes.isEmpty()) {
            return Uni.createFrom().item(0L);
        }
        return store.quarantine().deleteMany(Filters.and(Filters.eq("workspace", workspace),
                Filters.in(IDENTIFIER_HASHES, identifierHashes))).map(r -> r.getDeletedCount());
    }

    /**
     * A page of the workspace's entries carrying an identifier with one of the lookup hashes, newest first (by the time
     * each first arrived, which a later attempt does not change, then by id), after {@code after} when given. A real
     * MongoDB reads them in that order from the {@code by_identifier_newest} index, one range per hash merged, so a
     * reader that wants only the newest stops early.
     */
    public Uni<List<Quarantined>> listHolding(String workspace, Collection<String> identifierHashes, int limit,
                                              NewestFirst after) {
        if (identifierHashes.isEmpty()) {
            return Uni.createFrom().item(List.of());
        }
        Bson filter = Filters.and(Filters.eq("workspace", workspace), Filters.in(IDENTIFIER_HASHES, identifierHashes));
        return store.quarantine().find(NewestFirst.after(filter, RECEIVED_AT, after),
                        new FindOptions().sort(NewestFirst.order(RECEIVED_AT)).limit(limit))
                .map(this::fromDocument).collect().asList();
    }

    /** Removes the entries, answering how many there were. */
    public Uni<Long> remove(Collection<String> ids) {
        if (ids.isEmpty()) {
            return Uni.createFrom().item(0L);
        }
        return store.quarantine().deleteMany(Filters.in("_id", ids)).map(r -> r.getDeletedCount());
    }

    public Uni<Optional<Quarantined>> get(String workspace, String id) {
        return store.quarantine().find(Filters.and(Filters.eq("_id", id), Filters.eq("workspace", workspace)))
                .map(this::fromDocument).collect().first().map(Optional::ofNullable);
    }

    public Uni<List<Quarantined>> get(String workspace, Collection<String> ids) {
        return store.quarantine().find(Filters.and(Filters.in("_id", ids), Filters.eq("workspace", workspace)))
                .map(this::fromDocument).collect().asList();
    }

    /** A page in id order, after {@code afterId} when given; {@code source} and {@code code} filter when set. */
    public Uni<List<Quarantined>> list(String workspace, String source, String code, int limit, String afterId) {
        List<Bson> filters = new ArrayList<>(List.of(Filters.eq("workspace", workspace)));
        if (!source.isBlank()) {
            filters.add(Filters.eq("source", source));
        }
        if (!code.isBlank()) {
            filters.add(Filters.eq("codes", code));
        }
        if (afterId != null) {
            filters.add(Filters.gt("_id", afterId));
        }
        return store.quarantine().find(Filters.and(filters), new FindOptions().sort(Sorts.ascending("_id")).limit(limit))
                .map(this::fromDocument).collect().asList();
    }

    /**
     * The lookup hashes of the identifiers a rejected event was sent with, as its entry keeps them: given to a new
     * entry, and by {@link QuarantineLookupHashes} to one an earlier version stored without them, alike.
     */
    List<String> lookupHashes(CollectedEvent event) {
        return hashes.of(event.getIdentifiersList());
    }

    /**
     * The event of an entry, as sent; an {@link IllegalStateException} when it cannot be opened (sealed with a key
     * since replaced) or read.
     */
    CollectedEvent event(Document document) {
        try {
            return CollectedEvent.parseFrom(values.open(document.get("event", Binary.class).getData()));
        } catch (InvalidProtocolBufferException | IllegalArgumentException e) {
            throw new IllegalStateException("quarantined event is unreadable", e);
        }
    }

    private Quarantined fromDocument(Document document) {
        CollectedEvent event = event(document);
        List<FieldError> errors = document.getList("errors", Document.class).stream()
                .map(e -> FieldError.newBuilder().setField(e.getString("field")).setCode(e.getString("code"))
                        .setMessage(e.getString("message")).build())
                .toList();
        return new Quarantined(document.getString("_id"), document.getString("workspace"), event, errors,
                document.getDate(RECEIVED_AT).toInstant(), document.getInteger("attempts", 1),
                document.getDate("last_attempt_at").toInstant());
    }

    static Instant instant(Date date) {
        return date == null ? null : date.toInstant();
    }
}
