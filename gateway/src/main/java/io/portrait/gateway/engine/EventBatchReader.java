package io.portrait.gateway.engine;

import com.fasterxml.jackson.core.JsonLocation;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.google.protobuf.Struct;
import io.portrait.common.json.JsonValues;
import io.portrait.gateway.domain.FieldError;
import io.portrait.proto.event.v1.Identifier;
import io.portrait.proto.ingestion.v1.CollectedEvent;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.function.Consumer;

/**
 * Reads the JSON body of {@code POST /v1/events} into collected events, item by item, so that one badly shaped
 * event is reported with its index and field while the others go on to ingestion. It checks shape only
 * (strings where strings belong, objects where objects belong); what the values mean is ingestion's job.
 */
public final class EventBatchReader {

    private final ObjectMapper mapper;
    private final int maxEvents;
    private final int maxEventBytes;

    public EventBatchReader(ObjectMapper mapper, int maxEvents, int maxEventBytes) {
        this.mapper = mapper;
        this.maxEvents = maxEvents;
        this.maxEventBytes = maxEventBytes;
    }

    /** One event on its own, e.g. a corrected version of a quarantined one. */
    public ReadEvent readOne(byte[] body) {
        JsonNode root = parse(body);
        if (!root.isObject()) {
            throw new BatchFormatException(BatchFormatException.Reason.INVALID_SHAPE, "The body must be one event object.");
        }
        checkSize(0, root);
        return readEvent(0, root);
    }

    private JsonNode parse(byte[] body) {
        return parse(body, "send a JSON object with an \"events\" array.");
    }

    /**
     * The body as JSON, for a front end that takes another shape of batch; {@code expected} completes the answer to
     * an empty body ("The body is empty; ...").
     *
     * @throws BatchFormatException when it is empty or not JSON, saying where
     */
    public JsonNode parse(byte[] body, String expected) {
        JsonNode root;
        try {
            root = mapper.readTree(body == null ? new byte[0] : body);
        } catch (JsonProcessingException e) {
            JsonLocation at = e.getLocation();
            String where = at == null ? "" : " at line " + at.getLineNr() + ", column " + at.getColumnNr();
            throw new BatchFormatException(BatchFormatException.Reason.MALFORMED_JSON,
                    "The body is not valid JSON" + where + ": " + JsonErrors.describe(e));
        } catch (IOException e) {
            // Reading from memory: only the parser itself can fail, and that is the case above.
            throw new UncheckedIOException(e);
        }
        if (root == null || root.isMissingNode()) {
            throw new BatchFormatException(BatchFormatException.Reason.MALFORMED_JSON, "The body is empty; " + expected);
        }
        return root;
    }

    /** An event over the per-event limit fails the whole batch: nothing of it is accepted. */
    private void checkSize(int index, JsonNode event) {
        try {
            int bytes = mapper.writeValueAsBytes(event).length;
            if (bytes > maxEventBytes) {
                throw new BatchFormatException(BatchFormatException.Reason.EVENT_TOO_LARGE, "Event " + index
                        + " is " + bytes + " bytes; an event is at most " + maxEventBytes + " bytes.");
            }
        } catch (JsonProcessingException e) {
            throw new UncheckedIOException(e);
        }
    }

    public List<ReadEvent> read(byte[] body) {
        JsonNode root = parse(body);
        if (!root.isObject()) {
            throw new BatchFormatException(BatchFormatException.Reason.INVALID_SHAPE,
                    "The body must be a JSON object with an \"events\" array.");
        }
        JsonNode events = root.get("events");
        if (events == null || !events.isArray()) {
            throw new BatchFormatException(BatchFormatException.Reason.INVALID_SHAPE,
                    "Field \"events\" must be an array of events.");
        }
        if (events.isEmpty()) {
            throw new BatchFormatException(BatchFormatException.Reason.INVALID_SHAPE,
                    "Field \"events\" is empty; send at least one event.");
        }
        if (events.size() > maxEvents) {
            throw new BatchFormatException(BatchFormatException.Reason.TOO_MANY_EVENTS,
                    "A batch holds at most " + maxEvents + " events; this one has " + events.size() + ".");
        }
        // A body within the per-event limit cannot hold an event beyond it.
        if (body.length > maxEventBytes) {
            for (int i = 0; i < events.size(); i++) {
                checkSize(i, events.get(i));
            }
        }
        List<ReadEvent> read = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            read.add(readEvent(i, events.get(i)));
        }
        return read;
    }

    /**
     * One event that another front end has put into the shape of {@code POST /v1/events}, at its position in that
     * front end's batch: checked against the per-event limit and read as the events of a batch are.
     */
    public ReadEvent read(int index, JsonNode event) {
        checkSize(index, event);
        return readEvent(index, event);
    }

    private ReadEvent readEvent(int index, JsonNode node) {
        List<FieldError> errors = new ArrayList<>();
        if (!node.isObject()) {
            errors.add(new FieldError("", "invalid_type", "An event must be a JSON object."));
            return new ReadEvent(index, null, null, errors);
        }
        ObjectNode json = (ObjectNode) node;
        CollectedEvent.Builder event = CollectedEvent.newBuilder();
        String messageId = text(json, "messageId", errors);
        if (messageId != null) {
            event.setMessageId(messageId);
        }
        setText(json, "type", errors, event::setType);
        // "event" names a track event; "name" names a page or screen.
        String name = text(json, "event", errors);
        if (name == null) {
            name = text(json, "name", errors);
        }
        if (name != null) {
            event.setName(name);
        }
        setText(json, "channel", errors, event::setChannel);
        setText(json, "source", errors, event::setSource);
        JsonNode timestamp = json.get("timestamp");
        if (timestamp != null && timestamp.isIntegralNumber()) {
            // Epoch milliseconds, as many SDKs send them: ingestion reads their digits.
            event.setTimestamp(timestamp.asText());
        } else {
            setText(json, "timestamp", errors, event::setTimestamp);
        }
        readIdentifiers(json.get("identifiers"), event, errors);
        readStruct(json, "traits", errors).ifPresent(event::setTraits);
        readStruct(json, "properties", errors).ifPresent(event::setProperties);
        readConsent(json.get("consent"), event, errors);
        return new ReadEvent(index, messageId, errors.isEmpty() ? event.build() : null, List.copyOf(errors));
    }

    private static String text(ObjectNode json, String field, List<FieldError> errors) {
        JsonNode value = json.get(field);
        if (value == null || value.isNull()) {
            return null;
        }
        if (!value.isTextual()) {
            errors.add(new FieldError(field, "invalid_type", "Field \"" + field + "\" must be a string."));
            return null;
        }
        return value.textValue();
    }

    private static void setText(ObjectNode json, String field, List<FieldError> errors,
                                Consumer<String> setter) {
        String value = text(json, field, errors);
        if (value != null) {
            setter.accept(value);
        }
    }

    /** Identifiers come as {"email": "...", "phone": ["...", "..."]}; numbers are taken as their text. */
    private static void readIdentifiers(JsonNode node, CollectedEvent.Builder event, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return;
        }
        if (!node.isObject()) {
            errors.add(new FieldError("identifiers", "invalid_type",
                    "Field \"identifiers\" must be an object of identifier type to value."));
            return;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> entry = fields.next();
            String type = entry.getKey();
            JsonNode value = entry.getValue();
            if (value.isArray()) {
                for (JsonNode item : value) {
                    addIdentifier(type, item, event, errors);
                }
            } else {
                addIdentifier(type, value, event, errors);
            }
        }
    }

    private static void addIdentifier(String type, JsonNode value, CollectedEvent.Builder event, List<FieldError> errors) {
        if (value.isNull()) {
            return;
        }
        if (!value.isTextual() && !value.isIntegralNumber()) {
            errors.add(new FieldError("identifiers." + type, "invalid_type",
                    "Identifier \"" + type + "\" must be a string."));
            return;
        }
        event.addIdentifiers(Identifier.newBuilder().setType(type).setValue(value.asText()));
    }

    private Optional<Struct> readStruct(ObjectNode json, String field, List<FieldError> errors) {
        JsonNode node = json.get(field);
        if (node == null || node.isNull()) {
            return Optional.empty();
        }
        if (!node.isObject()) {
            errors.add(new FieldError(field, "invalid_type", "Field \"" + field + "\" must be an object."));
            return Optional.empty();
        }
        try {
            // Through plain Java values, not protobuf's JSON parser: that one makes every number a double, and two
            // 19-digit order numbers would become one.
            return Optional.of(JsonValues.struct(mapper.treeToValue(node, Map.class)));
        } catch (JsonProcessingException | IllegalArgumentException e) {
            errors.add(new FieldError(field, "invalid_value", "Field \"" + field + "\" cannot be read: " + e.getMessage()));
            return Optional.empty();
        }
    }

    private static void readConsent(JsonNode node, CollectedEvent.Builder event, List<FieldError> errors) {
        if (node == null || node.isNull()) {
            return;
        }
        if (!node.isObject()) {
            errors.add(new FieldError("consent", "invalid_type",
                    "Field \"consent\" must be an object of purpose to true/false."));
            return;
        }
        Iterator<Map.Entry<String, JsonNode>> fields = node.fields();
        while (fields.hasNext()) {
            Map.Entry<String, JsonNode> entry = fields.next();
            if (!entry.getValue().isBoolean()) {
                errors.add(new FieldError("consent." + entry.getKey(), "invalid_type", "Consent must be true or false."));
            } else {
                event.putConsent(entry.getKey(), entry.getValue().booleanValue());
            }
        }
    }
}
