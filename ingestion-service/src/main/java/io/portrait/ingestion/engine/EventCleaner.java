package io.portrait.ingestion.engine;

import com.google.protobuf.Timestamp;
import io.portrait.common.identifier.IdentifierNormalizer;
import io.portrait.common.identifier.NormalizedIdentifier;
import io.portrait.ingestion.domain.CleanedEvent;
import io.portrait.ingestion.domain.CleanedIdentifier;
import io.portrait.proto.event.v1.Event;
import io.portrait.proto.event.v1.Identifier;
import io.portrait.proto.ingestion.v1.CollectedEvent;
import io.portrait.proto.ingestion.v1.FieldError;

import java.time.Duration;
import java.time.Instant;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Validates an event as a collector sent it and turns it into the clean form every later stage relies on:
 * known type and channel, a UTC timestamp no later than the receive time allows, normalized identifiers.
 * A rejected event lists every problem found, not just the first.
 */
public final class EventCleaner {

    public static final Set<String> TYPES = Set.of("identify", "track", "page", "screen", "alias");
    public static final Set<String> CHANNELS = Set.of(
            "web", "app", "mini_program", "pos", "crm", "call_center", "social", "email");
    public static final String DEFAULT_SOURCE = "default";
    public static final int MAX_KEY_LENGTH = 200;

    private final IdentifierNormalizer normalizer;
    private final Duration maxFutureSkew;

    public EventCleaner(IdentifierNormalizer normalizer, Duration maxFutureSkew) {
        this.normalizer = normalizer;
        this.maxFutureSkew = maxFutureSkew;
    }

    public CleaningResult clean(CollectedEvent raw, Instant receivedAt) {
        // Mongo keeps milliseconds; cutting here keeps the stored and the delivered event identical.
        Instant received = receivedAt.truncatedTo(ChronoUnit.MILLIS);
        List<FieldError> errors = new ArrayList<>();

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
            Instant parsed = parseTimestamp(sentTimestamp);
            if (parsed == null) {
                errors.add(error("timestamp", "invalid_format",
                        "timestamp must be ISO-8601 with an offset or Z, e.g. 2026-01-05T10:00:00+08:00"));
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
        if (raw.hasTraits()) {
            event.setTraits(raw.getTraits());
        }
        if (raw.hasProperties()) {
            event.setProperties(raw.getProperties());
        }
        return CleaningResult.accepted(new CleanedEvent(event.build(), identifiers, clamped));
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

    private static Instant parseTimestamp(String value) {
        try {
            return OffsetDateTime.parse(value, DateTimeFormatter.ISO_OFFSET_DATE_TIME).toInstant();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    private static Timestamp toTimestamp(Instant instant) {
        return Timestamp.newBuilder().setSeconds(instant.getEpochSecond()).setNanos(instant.getNano()).build();
    }

    private static FieldError error(String field, String code, String message) {
        return FieldError.newBuilder().setField(field).setCode(code).setMessage(message).build();
    }
}
