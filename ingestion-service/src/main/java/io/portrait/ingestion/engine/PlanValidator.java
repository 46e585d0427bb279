package io.portrait.ingestion.engine;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.portrait.proto.event.v1.Event;
import io.portrait.proto.ingestion.v1.EventRule;
import io.portrait.proto.ingestion.v1.FieldError;
import io.portrait.proto.ingestion.v1.PropertyRule;
import io.portrait.proto.ingestion.v1.TrackingPlan;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Checks events against the tracking plan of their source: an event the plan lists must carry its required
 * properties with the declared types; an event it does not list passes only when the plan allows unplanned
 * events. Identify events are checked on their traits, every other type on its properties.
 */
public final class PlanValidator {

    public static final Set<String> TYPES = Set.of("string", "number", "integer", "boolean", "object", "array", "any");

    private PlanValidator() {
    }

    /** Problems of a plan itself, before it is stored; empty when it is well formed. */
    public static List<FieldError> validatePlan(TrackingPlan plan) {
        List<FieldError> errors = new ArrayList<>();
        if (plan.getSource().isBlank()) {
            errors.add(error("plan.source", "required", "a tracking plan belongs to one source"));
        }
        Set<String> events = new HashSet<>();
        for (int i = 0; i < plan.getEventsCount(); i++) {
            EventRule rule = plan.getEvents(i);
            String path = "plan.events[" + i + "]";
            if (rule.getEvent().isBlank()) {
                errors.add(error(path + ".event", "required", "every rule names its event"));
            } else if (!events.add(rule.getEvent())) {
                errors.add(error(path + ".event", "duplicate", "event '" + rule.getEvent() + "' is listed twice"));
            }
            Set<String> names = new HashSet<>();
            for (int p = 0; p < rule.getPropertiesCount(); p++) {
                PropertyRule property = rule.getProperties(p);
                String at = path + ".properties[" + p + "]";
                if (property.getName().isBlank()) {
                    errors.add(error(at + ".name", "required", "every property rule names its property"));
                } else if (!names.add(property.getName())) {
                    errors.add(error(at + ".name", "duplicate", "property '" + property.getName() + "' is listed twice"));
                }
                if (!TYPES.contains(property.getType())) {
                    errors.add(error(at + ".type", "unknown_type", "type must be one of " + String.join(", ",
                            List.of("string", "number", "integer", "boolean", "object", "array", "any"))));
                }
            }
        }
        return errors;
    }

    /**
     * The plan's verdict on one cleaned event ({@code plan} null means the source has no plan), and the event as
     * the plan types it: a boolean property sent as text ({@code true}, {@code no}, ...: every cell of a CSV import
     * is text) becomes a boolean.
     */
    public static Event check(TrackingPlan plan, Event event, List<FieldError> errors) {
        if (plan == null) {
            return event;
        }
        String name = event.getType().equals("track") ? event.getName() : event.getType();
        EventRule rule = plan.getEventsList().stream().filter(r -> r.getEvent().equals(name)).findFirst().orElse(null);
        if (rule == null) {
            if (!plan.getAllowUnplannedEvents()) {
                errors.add(error("event", "unplanned_event",
                        "event '" + name + "' is not in the tracking plan of source '" + plan.getSource() + "'"));
            }
            return event;
        }
        String part = event.getType().equals("identify") ? "traits" : "properties";
        Struct values = part.equals("traits") ? event.getTraits() : event.getProperties();
        Struct.Builder typed = values.toBuilder();
        boolean retyped = false;
        for (PropertyRule property : rule.getPropertiesList()) {
            Value value = values.getFieldsMap().get(property.getName());
            Boolean flag = property.getType().equals("boolean") && value != null ? booleanText(value) : null;
            if (flag != null) {
                value = Value.newBuilder().setBoolValue(flag).build();
                typed.putFields(property.getName(), value);
                retyped = true;
            }
            String path = part + "." + property.getName();
            if (value == null || value.hasNullValue()) {
                if (property.getRequired()) {
                    errors.add(error(path, "missing_property",
                            "the tracking plan requires '" + property.getName() + "' on '" + name + "'"));
                }
            } else if (!hasType(value, property.getType())) {
                errors.add(error(path, "wrong_type", "the tracking plan declares '" + property.getName()
                        + "' as " + property.getType()));
            }
        }
        if (!retyped) {
            return event;
        }
        return part.equals("traits") ? event.toBuilder().setTraits(typed).build()
                : event.toBuilder().setProperties(typed).build();
    }

    /** A yes or no written as text, or null when the value is not such a text. */
    private static Boolean booleanText(Value value) {
        if (!value.hasStringValue()) {
            return null;
        }
        return switch (value.getStringValue().strip().toLowerCase(java.util.Locale.ROOT)) {
            case "true", "yes", "y", "1", "是" -> Boolean.TRUE;
            case "false", "no", "n", "0", "否" -> Boolean.FALSE;
            default -> null;
        };
    }

    /** Decimal amounts travel as text, so a number may also be numeric text. */
    static boolean hasType(Value value, String type) {
        return switch (type) {
            case "string" -> value.hasStringValue();
            case "number" -> value.hasNumberValue() || value.hasStringValue() && isNumber(value.getStringValue());
            case "integer" -> value.hasNumberValue() && value.getNumberValue() == Math.rint(value.getNumberValue())
                    || value.hasStringValue() && value.getStringValue().matches("-?\\d+");
            case "boolean" -> value.hasBoolValue();
            case "object" -> value.hasStructValue();
            case "array" -> value.hasListValue();
            default -> true;
        };
    }

    private static boolean isNumber(String text) {
        try {
            new java.math.BigDecimal(text);
            return true;
        } catch (NumberFormatException e) {
            return false;
        }
    }

    private static FieldError error(String field, String code, String message) {
        return FieldError.newBuilder().setField(field).setCode(code).setMessage(message).build();
    }
}
