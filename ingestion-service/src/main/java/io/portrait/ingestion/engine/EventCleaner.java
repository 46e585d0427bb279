package io.portrait.ingestion.engine;

import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import io.portrait.common.identifier.IdentifierNormalizer;
import io.portrait.common.text.EventTimestamps;
import io.portrait.common.text.NulCharacters;
import io.portrait.common.identifier.NormalizedIdentifier;
import io.portrait.ingestion.domain.CleanedEvent;
import io.portrait.ingestion.domain.CleanedIdentifier;
import io.portrait.proto.event.v1.Event;
import io.portrait.proto.event.v1.Identifier;
import io.portrait.proto.ingestion.v1.CollectedEvent;
import io.portrait.proto.ingestion.v1.FieldError;
import io.portrait.proto.ingestion.v1.TrackingPlan;

import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Validates an event as a collector sent it and turns it into the clean form every later stage relies on:
 * known type and channel, a UTC timestamp no later than the receive time allows, normalized identifiers, clean
 * traits and properties (see {@link AttributeCleaner}), the schema of its type and the tracking plan of its
 * source. A rejected event lists every problem found, not just the first.
 */
public final class EventCleaner {

    public static final Set<String> TYPES = Set.of("identify", "track", "page", "screen", "alias");
    public static final Set<String> CHANNELS = Set.of(
            "web", "app", "mini_program", "pos", "crm", "call_center", "social", "email");
    public static final String DEFAULT_SOURCE = "default";
    public static final int MAX_KEY_LENGTH = 200;
    /** Track events that record an order; they must name it so that it counts once. */
    public static final Set<String> ORDER_EVENTS = Set.of("Order Completed", "Order Refunded", "Order Cancelled");

    /** The earliest event time accepted: earlier ones are placeholders (0001-01-01) that no sink can store. */
    static final Instant EARLIEST_TIMESTAMP = Instant.EPOCH;

    private final IdentifierNormalizer normalizer;
    private final Duration maxFutureSkew;
    private final AttributeCleaner attributes;
    private final int maxEventBytes;

    public EventCleaner(IdentifierNormalizer normalizer, Duration maxFutureSkew, AttributeCleaner attributes,
                        int maxEventBytes) {
        this.normalizer = normalizer;
        this.maxFutureSkew = maxFutureSkew;
        this.attributes = attributes;
        this.maxEventBytes = maxEventBytes;
    }

    public CleaningResult clean(CollectedEvent raw, Instant receivedAt) {
        return clean(raw, receivedAt, null);
    }

    public CleaningResult clean(CollectedEvent raw, Instant receivedAt, TrackingPlan plan) {
        return clean("", raw, receivedAt, plan);
    }

    /**
     * {@code workspace}: whose currency amounts without one get; {@code plan}: the tracking plan of the event's
     * source, null when it has none.
     */
    public CleaningResult clean(String workspace, CollectedEvent raw, Instant receivedAt, TrackingPlan plan) {
        // Mongo keeps milliseconds; cutting here keeps the stored and the delivered event identical.
        Instant received = receivedAt.truncatedTo(ChronoUnit.MILLIS);
        List<FieldError> errors = new ArrayList<>();
        if (raw.getSerializedSize() > maxEventBytes) {
            errors.add(error("", "too_large", "an event is at most " + maxEventBytes + " bytes"));
            return CleaningResult.rejected(errors);
        }

        String nul = NulCharacters.firstIn(raw);
        if (nul != null) {
            // PostgreSQL text cannot hold it: stored here, the event would fail in every sink that keeps it as text.
            errors.add(error(nul, "invalid_value", "text must not contain the NUL character (U+0000)"));
            return CleaningResult.rejected(errors);
        }

        String messageId = raw.getMessageId().strip();
        checkKey("message_id", messageId, true, errors);
        String type = raw.getType().strip().toLowerCase(Locale.ROOT);
        if (type.isEmpty()) {
            errors.add(error("type", "required", "type is required"));
        } else if (!TYPES.contains(type)) {
            errors.add(error("type", "unknown_type", "type must be one of identify, track, page, screen, alias"));
        }
        String name = raw.getName().strip();
        if (type.equals("track") && name.isEmpty()) {
            errors.add(error("event", "required", "a track event needs an event name"));
        } else if (name.length() > MAX_KEY_LENGTH) {
            errors.add(error("event", "too_long", "the event name is longer than " + MAX_KEY_LENGTH + " characters"));
        }
        String channel = raw.getChannel().strip().toLowerCase(Locale.ROOT);
        if (channel.isEmpty()) {
            errors.add(error("channel", "required", "channel is required"));
        } else if (!CHANNELS.contains(channel)) {
            errors.add(error("channel", "unknown_channel",
                    "channel must be one of web, app, mini_program, pos, crm, call_center, social, email"));
        }
        String source = raw.getSource().strip();
        if (source.isEmpty()) {
            source = DEFAULT_SOURCE;
        }
        checkKey("source", source, false, errors);

        Instant timestamp = received;
        boolean clamped = false;
        String sentTimestamp = raw.getTimestamp().strip();
        if (!sentTimestamp.isEmpty()) {
            Instant parsed = EventTimestamps.parse(sentTimestamp);
            if (parsed == null) {
                errors.add(error("timestamp", "invalid_format",
                        "timestamp must be ISO-8601 with an offset or Z, e.g. 2026-01-05T10:00:00+08:00"));
            } else if (parsed.isBefore(EARLIEST_TIMESTAMP)) {
                // A placeholder such as 0001-01-01 (.NET's MinValue): no sink can store it, so it would be accepted
                // here and then fail every delivery.
                errors.add(error("timestamp", "invalid_value", "timestamp must be on or after 1970-01-01T00:00:00Z"));
            } else if (parsed.isAfter(received.plus(maxFutureSkew))) {
                clamped = true;
            } else {
                timestamp = parsed.truncatedTo(ChronoUnit.MILLIS);
            }
        }

        List<CleanedIdentifier> identifiers = identifiers(raw.getIdentifiersList(), errors);
        if (identifiers.stream().noneMatch(CleanedIdentifier::matchable)) {
            errors.add(error("identifiers", "required",
                    "at least one identifier (user_id, email, phone, device_id, anonymous_id, ...) is required"));
        } else if (type.equals("alias") && identifiers.stream().filter(CleanedIdentifier::matchable).count() < 2) {
            errors.add(error("identifiers", "alias_needs_two",
                    "an alias event links identifiers: it needs at least two usable ones"));
        }
        Struct traits = raw.hasTraits()
                ? attributes.traits(raw.getTraits(), received.atOffset(ZoneOffset.UTC).toLocalDate().plusDays(1), errors)
                : null;
        Struct properties = raw.hasProperties() ? attributes.properties(raw.getProperties(), workspace, errors) : null;
        if (type.equals("track") && ORDER_EVENTS.contains(name)) {
            Struct props = properties == null ? Struct.getDefaultInstance() : properties;
            if (!props.containsFields("orderId") && !props.containsFields("order_id")) {
                errors.add(error("properties.orderId", "required", "'" + name + "' needs the orderId it records"));
            }
        }

        if (!errors.isEmpty()) {
            return CleaningResult.rejected(errors);
        }
        Event.Builder event = Event.newBuilder()
                .setMessageId(messageId)
                .setType(type)
                .setName(name)
                .setChannel(channel)
                .setSource(source)
                .setTimestamp(toTimestamp(timestamp))
                .setReceivedAt(toTimestamp(received))
                .putAllConsent(raw.getConsentMap());
        identifiers.forEach(i -> event.addIdentifiers(Identifier.newBuilder().setType(i.type()).setValue(i.value())));
        if (traits != null) {
            event.setTraits(traits);
        }
        if (properties != null) {
            event.setProperties(properties);
        }
        Event cleaned = PlanValidator.check(plan, event.build(), errors);
        if (!errors.isEmpty()) {
            return CleaningResult.rejected(errors);
        }
        return CleaningResult.accepted(new CleanedEvent(cleaned, identifiers, clamped));
    }

    /**
     * The identifiers of an event normalized as an accepted event's are, leaving out those that cannot be (what a
     * quarantined event is found by when its person is erased).
     */
    public List<CleanedIdentifier> normalizable(List<Identifier> sent) {
        return identifiers(sent, new ArrayList<>());
    }

    /** Normalized identifiers, each (type, value) once; invalid ones become errors. */
    private List<CleanedIdentifier> identifiers(List<Identifier> sent, List<FieldError> errors) {
        Map<String, CleanedIdentifier> unique = new LinkedHashMap<>();
        for (int i = 0; i < sent.size(); i++) {
            String type = sent.get(i).getType().strip().toLowerCase(Locale.ROOT);
            NormalizedIdentifier normalized = normalizer.normalize(type, sent.get(i).getValue());
            if (normalized.outcome() == NormalizedIdentifier.Outcome.INVALID) {
                String field = "identifiers." + (type.isEmpty() ? String.valueOf(i) : type);
                errors.add(error(field, normalized.code(), normalized.reason()));
            } else {
                unique.putIfAbsent(type + '\u0000' + normalized.value(),
                        new CleanedIdentifier(type, normalized.value(), normalized.usable()));
            }
        }
        return List.copyOf(unique.values());
    }

    private static void checkKey(String field, String value, boolean required, List<FieldError> errors) {
        if (required && value.isEmpty()) {
            errors.add(error(field, "required", field + " is required"));
        } else if (value.length() > MAX_KEY_LENGTH) {
            errors.add(error(field, "too_long", field + " is longer than " + MAX_KEY_LENGTH + " characters"));
        }
    }

    /** ISO-8601 with an offset (a space may stand for the T), or epoch milliseconds. */
    private static Timestamp toTimestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

    private static FieldError error(String field, String code, String message) {
        return FieldError.newBuilder().setField(field).setCode(code).setMessage(message).build();
    }
}
