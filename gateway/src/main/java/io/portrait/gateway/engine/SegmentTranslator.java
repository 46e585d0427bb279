package io.portrait.gateway.engine;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.portrait.gateway.domain.FieldError;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Translates messages of Segment's tracking API into Portrait events, the JSON items of {@code POST /v1/events}, so
 * that a team moving from Segment keeps its server-side SDKs and only changes their API host.
 * <p>
 * It translates and nothing else: the events it makes are then read, checked, limited, accepted and rejected exactly
 * as the events of {@code POST /v1/events} (see {@code EventService}), so the compatible intake can never accept what
 * Portrait's own refuses. A value of the wrong kind is therefore copied as it came, for that check to name it; only
 * what cannot become an event at all is refused here: a message without a {@code messageId} (Portrait's idempotency
 * key, without which an SDK's retry would be stored twice), one whose context or traits are not objects, or one
 * whose {@code sentAt} names no time, since its time could not be corrected (see {@link #eventTime}).
 * <p>
 * The time a request was received is passed in, one instant for all of its messages, so that translating stays a
 * function of its input.
 */
public final class SegmentTranslator {

    /** Portrait's channels, as ingestion knows them: the configured default must be one. */
    public static final Set<String> CHANNELS = Set.of("web", "app", "mini_program", "pos", "crm", "call_center",
            "social", "email");

    /** Segment's libraries that run in apps, by their {@code context.library.name}. */
    static final Set<String> APP_LIBRARIES = Set.of("analytics-ios", "analytics-android", "analytics-swift",
            "analytics-kotlin", "analytics-react-native", "analytics-flutter");

    /** Segment's libraries that run in browsers. */
    static final Set<String> WEB_LIBRARIES = Set.of("analytics.js", "analytics-next");

    private static final JsonNodeFactory JSON = JsonNodeFactory.instance;

    private final String defaultChannel;
    private final String source;

    /**
     * @param defaultChannel the channel of a message whose library does not say one (a server-side SDK)
     * @param source         the {@code source} of every translated event: with the messageId, its idempotency key
     */
    public SegmentTranslator(String defaultChannel, String source) {
        if (defaultChannel == null || !CHANNELS.contains(defaultChannel)) {
            throw new IllegalArgumentException("portrait.gateway.segment-compat.default-channel is '" + defaultChannel
                    + "'; it must be one of " + CHANNELS.stream().sorted().toList() + ".");
        }
        if (source == null || source.isBlank()) {
            throw new IllegalArgumentException("portrait.gateway.segment-compat.source must not be blank.");
        }
        this.defaultChannel = defaultChannel;
        this.source = source;
    }

    /**
     * The messages of {@code POST /v1/batch} or {@code /v1/import}, {@code {"batch": [...], "context": {...},
     * "sentAt": "..."}}, in their order. The batch's context lies under each message's own, and its {@code sentAt}
     * stands for that of each message without one.
     *
     * @param receivedAt when the gateway received the request
     * @throws BatchFormatException when the body is not such a batch, or holds more than {@code maxMessages}
     */
    public List<TranslatedEvent> batch(JsonNode root, int maxMessages, Instant receivedAt) {
        if (!root.isObject()) {
            throw shape("The body must be a JSON object with a \"batch\" array of messages.");
        }
        JsonNode batch = root.get("batch");
        if (batch == null || !batch.isArray()) {
            throw shape("Field \"batch\" must be an array of messages.");
        }
        if (batch.isEmpty()) {
            throw shape("Field \"batch\" is empty; send at least one message.");
        }
        if (batch.size() > maxMessages) {
            throw new BatchFormatException(BatchFormatException.Reason.TOO_MANY_EVENTS,
                    "A batch holds at most " + maxMessages + " messages; this one has " + batch.size() + ".");
        }
        JsonNode context = root.get("context");
        if (present(context) && !context.isObject()) {
            throw shape("Field \"context\" must be an object.");
        }
        JsonNode sentAt = present(root.get("sentAt")) ? root.get("sentAt") : null;
        List<TranslatedEvent> events = new ArrayList<>(batch.size());
        for (JsonNode message : batch) {
            events.add(translate(message, present(context) ? (ObjectNode) context : null, sentAt, null, receivedAt));
        }
        return events;
    }

    /**
     * The one message of {@code POST /v1/track}, {@code /identify}, {@code /page}, {@code /screen} or {@code /alias}:
     * its type is the one of the path.
     *
     * @param receivedAt when the gateway received the request
     */
    public TranslatedEvent single(JsonNode root, String type, Instant receivedAt) {
        if (!root.isObject()) {
            throw shape("The body must be one message object.");
        }
        return translate(root, null, null, type, receivedAt);
    }

    private TranslatedEvent translate(JsonNode message, ObjectNode batchContext, JsonNode batchSentAt,
                                      String pathType, Instant receivedAt) {
        if (!message.isObject()) {
            return TranslatedEvent.refused(null, List.of(new FieldError("", "invalid_type", "A message must be a JSON object.")));
        }
        ObjectNode in = (ObjectNode) message;
        JsonNode messageId = in.get("messageId");
        String id = messageId != null && messageId.isTextual() ? messageId.textValue() : null;
        List<FieldError> refusals = new ArrayList<>();
        if (!present(messageId) || messageId.isTextual() && messageId.textValue().isBlank()) {
            refusals.add(new FieldError("messageId", "required", "A Segment message needs a messageId, Portrait's "
                    + "idempotency key: each event is stored once per messageId, and without one a retry would be "
                    + "stored twice. "
                    + "Segment's SDKs set it; set it where messages are built by hand."));
        }
        ObjectNode own = object(in, "context", refusals);
        ObjectNode context = batchContext == null ? own : own == null ? batchContext : merge(batchContext, own);
        ObjectNode contextTraits = context == null ? null : object(context, "traits", "context.traits", refusals);
        ObjectNode ownTraits = object(in, "traits", refusals);
        Instant sentAt = present(in.get("sentAt")) ? sentAt(in.get("sentAt"), "Field \"sentAt\"", refusals)
                : batchSentAt != null ? sentAt(batchSentAt, "The batch's \"sentAt\"", refusals) : null;
        if (!refusals.isEmpty()) {
            return TranslatedEvent.refused(id, refusals);
        }

        ObjectNode event = JSON.objectNode();
        event.set("messageId", messageId);
        JsonNode type = pathType != null ? JSON.textNode(pathType) : in.get("type");
        copy(type, "type", event);
        copy(in.get("event"), "event", event);
        copy(in.get("name"), "name", event);
        event.put("channel", channel(context));
        event.put("source", source);
        copy(eventTime(in, sentAt, receivedAt), "timestamp", event);

        ObjectNode identifiers = event.putObject("identifiers");
        addIdentifier(identifiers, "user_id", in.get("userId"));
        addIdentifier(identifiers, "anonymous_id", in.get("anonymousId"));
        if (type != null && "alias".equals(type.asText())) {
            // previousId is the id the person had before userId: in Segment's usage their anonymous id. Portrait
            // keeps one user_id per person, so linking two user ids would be refused whatever their type here.
            addIdentifier(identifiers, "anonymous_id", in.get("previousId"));
        }
        ObjectNode traits = contextTraits == null ? ownTraits
                : ownTraits == null ? contextTraits : merge(contextTraits, ownTraits);
        if (traits != null) {
            event.set("traits", traits);
            // Portrait matches people on identifiers; Segment carries email and phone as traits. Both are kept.
            addIdentifier(identifiers, "email", traits.get("email"));
            addIdentifier(identifiers, "phone", traits.get("phone"));
        }
        addDevice(identifiers, context);
        copy(in.get("properties"), "properties", event);
        ObjectNode consent = consent(context);
        if (!consent.isEmpty()) {
            event.set("consent", consent);
        }
        return TranslatedEvent.of(id, event);
    }

    /**
     * The event's time as Segment's tracking API makes it. The time the message gives is its {@code timestamp}, else
     * its {@code originalTimestamp} (Segment takes a {@code timestamp} set by hand as the original one); neither
     * leaves the time to ingestion, which takes the time received. With a {@code sentAt}, the sender's clock when it
     * sent the request, that time was read on the same clock, and {@code receivedAt - sentAt} is how far that clock
     * is off (the two are taken a network trip apart): the time is moved by it, Segment's
     * {@code receivedAt - (sentAt - originalTimestamp)}, so a phone whose clock is an hour wrong still places its
     * events right. A time that cannot be read is copied as it came, for ingestion's check to name it.
     */
    private static JsonNode eventTime(ObjectNode message, Instant sentAt, Instant receivedAt) {
        JsonNode time = present(message.get("timestamp")) ? message.get("timestamp") : message.get("originalTimestamp");
        Instant given = sentAt == null ? null : EventTime.read(time);
        if (given == null) {
            return time;
        }
        return JSON.textNode(given.plus(Duration.between(sentAt, receivedAt)).toString());
    }

    /** The sentAt named, or null with a refusal when it names no time. */
    private static Instant sentAt(JsonNode value, String named, List<FieldError> refusals) {
        Instant sentAt = EventTime.read(value);
        if (sentAt == null) {
            refusals.add(new FieldError("sentAt", "invalid_format", named + " must be ISO-8601 with an offset or Z, "
                    + "e.g. 2026-01-05T10:00:00+08:00, or epoch milliseconds: the sender's clock when it sent the "
                    + "request, by which the message's time is corrected. Leave it out to keep the message's time as "
                    + "it is."));
        }
        return sentAt;
    }

    /**
     * Segment's consent (its consent manager writes {@code context.consent.categoryPreferences}, a category's name to
     * true or false) as Portrait's consent per purpose: the category's name in lower case, each run of other
     * characters than letters and digits an underscore ({@code "Advertising"}: {@code advertising}, {@code "Data
     * Sharing"}: {@code data_sharing}). Its values go as they are, so Portrait's check names one that is not a
     * boolean.
     */
    private static ObjectNode consent(ObjectNode context) {
        ObjectNode consent = JSON.objectNode();
        JsonNode preferences = context == null ? null : context.path("consent").get("categoryPreferences");
        if (preferences != null && preferences.isObject()) {
            preferences.fields().forEachRemaining(category -> {
                String purpose = category.getKey().toLowerCase(Locale.ROOT).replaceAll("[^a-z0-9]+", "_")
                        .replaceAll("^_+|_+$", "");
                if (!purpose.isEmpty()) {
                    consent.set(purpose, category.getValue());
                }
            });
        }
        return consent;
    }

    /** The app channel for Segment's mobile libraries, web for its browser ones, else the configured default. */
    private String channel(ObjectNode context) {
        String library = normalized(path(context, "library", "name"));
        if (APP_LIBRARIES.contains(library)) {
            return "app";
        }
        if (WEB_LIBRARIES.contains(library)) {
            return "web";
        }
        return defaultChannel;
    }

    /** Library names as the SDKs spell them in their versions: {@code analytics_flutter}, {@code @segment/analytics-next}. */
    private static String normalized(String library) {
        if (library == null) {
            return "";
        }
        String name = library.strip().toLowerCase(Locale.ROOT).replace('_', '-');
        return name.startsWith("@segment/") ? name.substring("@segment/".length()) : name;
    }

    /** The device id, and the advertising id as IDFA on iOS and GAID on Android (unknown elsewhere: left out). */
    private static void addDevice(ObjectNode identifiers, ObjectNode context) {
        if (context == null || !(context.get("device") instanceof ObjectNode device)) {
            return;
        }
        addIdentifier(identifiers, "device_id", device.get("id"));
        JsonNode advertisingId = device.get("advertisingId");
        String os = path(context, "os", "name");
        String platform = (os != null ? os : device.path("type").asText("")).strip().toLowerCase(Locale.ROOT);
        if (platform.equals("ios") || platform.equals("ipados")) {
            addIdentifier(identifiers, "idfa", advertisingId);
        } else if (platform.equals("android")) {
            addIdentifier(identifiers, "gaid", advertisingId);
        }
    }

    /** Adds a value under its type; a second, different value of the type makes the type a list. */
    private static void addIdentifier(ObjectNode identifiers, String type, JsonNode value) {
        if (!present(value) || value.isTextual() && value.textValue().isBlank()) {
            return;
        }
        JsonNode known = identifiers.get(type);
        if (known == null) {
            identifiers.set(type, value.deepCopy());
        } else if (known.isArray()) {
            if (!contains(known, value)) {
                ((ArrayNode) known).add(value);
            }
        } else if (!known.equals(value)) {
            identifiers.set(type, JSON.arrayNode().add(known).add(value));
        }
    }

    private static boolean contains(JsonNode array, JsonNode value) {
        for (JsonNode item : array) {
            if (item.equals(value)) {
                return true;
            }
        }
        return false;
    }

    /** {@code over} laid on {@code under}, objects merged member by member, anything else replaced. */
    static ObjectNode merge(ObjectNode under, ObjectNode over) {
        ObjectNode merged = under.deepCopy();
        Iterator<Map.Entry<String, JsonNode>> fields = over.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> field = fields.next();
            JsonNode below = merged.get(field.getKey());
            if (below instanceof ObjectNode belowObject && field.getValue() instanceof ObjectNode aboveObject) {
                merged.set(field.getKey(), merge(belowObject, aboveObject));
            } else {
                merged.set(field.getKey(), field.getValue().deepCopy());
            }
        }
        return merged;
    }

    private static ObjectNode object(ObjectNode json, String field, List<FieldError> refusals) {
        return object(json, field, field, refusals);
    }

    private static ObjectNode object(ObjectNode json, String field, String path, List<FieldError> refusals) {
        JsonNode value = json.get(field);
        if (!present(value)) {
            return null;
        }
        if (!value.isObject()) {
            refusals.add(new FieldError(path, "invalid_type", "Field \"" + path + "\" must be an object."));
            return null;
        }
        return (ObjectNode) value;
    }

    private static String path(ObjectNode context, String object, String field) {
        if (context == null) {
            return null;
        }
        JsonNode value = context.path(object).get(field);
        return value != null && value.isTextual() ? value.textValue() : null;
    }

    private static void copy(JsonNode value, String field, ObjectNode event) {
        if (present(value)) {
            event.set(field, value);
        }
    }

    private static boolean present(JsonNode value) {
        return value != null && !value.isNull();
    }

    private static BatchFormatException shape(String message) {
        return new BatchFormatException(BatchFormatException.Reason.INVALID_SHAPE, message);
    }
}
