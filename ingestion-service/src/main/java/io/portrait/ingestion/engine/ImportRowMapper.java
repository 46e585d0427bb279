package io.portrait.ingestion.engine;

import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.portrait.common.json.JsonValues;
import io.portrait.proto.event.v1.Identifier;
import io.portrait.proto.ingestion.v1.CollectedEvent;
import io.portrait.proto.ingestion.v1.FieldError;
import io.portrait.proto.ingestion.v1.ImportSpec;

import java.time.ZoneId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * Turns one row of an import file into a collected event through the job's column mapping. Row values are text
 * (CSV, xlsx, xls) or JSON values (NDJSON); what they mean is left to the cleaner, exactly as for events sent to the API, so an
 * imported row is accepted or rejected by the same rules. A row without a message id gets one from its position,
 * which makes a re-read of the file (after a restart) store every row once. The one thing read before the cleaner is
 * a timestamp without an offset, when the job names its time zone ({@link LocalTimestamps}): exports rarely write one.
 */
public final class ImportRowMapper {

    public static final Set<String> FORMATS = Set.of("csv", "ndjson", ImportReader.XLSX, ImportReader.XLS);
    private static final Set<String> TOP_LEVEL = Set.of("message_id", "type", "event", "name", "channel", "timestamp");
    private static final Set<String> PREFIXES = Set.of("identifiers", "traits", "properties", "consent");

    private final String jobId;
    private final ImportSpec spec;
    /** Where a timestamp without an offset was written; null when the job names no zone (it is then rejected). */
    private final ZoneId timeZone;

    /** @param spec a spec {@link #validate} accepts */
    public ImportRowMapper(String jobId, ImportSpec spec) {
        this.jobId = jobId;
        this.spec = spec;
        this.timeZone = LocalTimestamps.zone(spec.getTimeZone());
        if (timeZone == null && !spec.getTimeZone().isBlank()) {
            throw new IllegalArgumentException("unknown time zone '" + spec.getTimeZone() + "'");
        }
    }

    /** Problems of a spec before any row is read; empty when it can be used. */
    public static List<FieldError> validate(ImportSpec spec) {
        List<FieldError> errors = new ArrayList<>();
        if (!FORMATS.contains(spec.getFormat())) {
            errors.add(error("spec.format", "unknown_format", "format must be csv, ndjson, xlsx or xls"));
        }
        if (ImportReader.isWorkbook(spec.getFormat())) {
            // Refused rather than ignored: whoever names one expects it to change how the file is read.
            if (!spec.getEncoding().isBlank()) {
                errors.add(error("spec.encoding", "not_applicable", "an xlsx or xls workbook names its own character"
                        + " set; leave encoding out (it is for csv and ndjson files)"));
            }
        } else if (ImportReader.charset(spec.getEncoding()) == null) {
            errors.add(error("spec.encoding", "unknown_encoding", "'" + spec.getEncoding() + "' is not a character set"
                    + " this service reads; use UTF-8 (the default), GB18030, GBK, Big5, Shift_JIS, ..."));
        }
        errors.addAll(WorksheetChoice.problems(spec.getSheet(), ImportReader.isWorkbook(spec.getFormat())));
        if (!spec.getTimeZone().isBlank() && LocalTimestamps.zone(spec.getTimeZone()) == null) {
            errors.add(error("spec.timeZone", "unknown_time_zone", "'" + spec.getTimeZone() + "' is not a time zone;"
                    + " use an IANA zone id such as Asia/Shanghai, Asia/Tokyo or America/New_York"));
        }
        spec.getMappingMap().forEach((column, field) -> {
            if (!isField(field)) {
                errors.add(error("spec.mapping." + column, "unknown_field", "'" + field + "' is not an event field; use "
                        + "message_id, type, event, name, channel, timestamp, identifiers.<type>, traits.<name>, "
                        + "properties.<name> or consent.<purpose>"));
            }
        });
        return errors;
    }

    static boolean isField(String field) {
        if (TOP_LEVEL.contains(field)) {
            return true;
        }
        int dot = field.indexOf('.');
        return dot > 0 && dot < field.length() - 1 && PREFIXES.contains(field.substring(0, dot));
    }

    /** The event of data row {@code row} (1-based); a column named by no field is ignored. */
    public CollectedEvent map(long row, Map<String, Value> columns) {
        CollectedEvent.Builder event = CollectedEvent.newBuilder()
                .setSource(spec.getSource().isBlank() ? "import" : spec.getSource())
                .setType(spec.getType())
                .setName(spec.getEvent())
                .setChannel(spec.getChannel());
        Map<String, Value> traits = new LinkedHashMap<>();
        Map<String, Value> properties = new LinkedHashMap<>();
        for (Map.Entry<String, Value> column : columns.entrySet()) {
            String field = spec.getMappingCount() == 0 ? column.getKey()
                    : spec.getMappingMap().get(column.getKey());
            Value value = column.getValue();
            if (field == null || !isField(field) || isBlank(value)) {
                continue;
            }
            switch (field) {
                case "message_id" -> event.setMessageId(text(value));
                case "type" -> event.setType(text(value));
                case "event", "name" -> event.setName(text(value));
                case "channel" -> event.setChannel(text(value));
                case "timestamp" -> event.setTimestamp(timeZone == null ? text(value)
                        : LocalTimestamps.inZone(text(value), timeZone));
                default -> {
                    int dot = field.indexOf('.');
                    String key = field.substring(dot + 1);
                    switch (field.substring(0, dot)) {
                        case "identifiers" -> event.addIdentifiers(Identifier.newBuilder()
                                .setType(key.toLowerCase(Locale.ROOT)).setValue(text(value)));
                        case "traits" -> traits.put(key, value);
                        case "properties" -> properties.put(key, value);
                        default -> event.putConsent(key, consent(value));
                    }
                }
            }
        }
        if (event.getMessageId().isBlank()) {
            event.setMessageId(jobId + "-" + row);
        }
        if (!traits.isEmpty()) {
            event.setTraits(Struct.newBuilder().putAllFields(traits));
        }
        if (!properties.isEmpty()) {
            event.setProperties(Struct.newBuilder().putAllFields(properties));
        }
        return event.build();
    }

    private static boolean consent(Value value) {
        if (value.hasBoolValue()) {
            return value.getBoolValue();
        }
        String text = text(value).strip().toLowerCase(Locale.ROOT);
        return Set.of("true", "yes", "y", "1", "是", "同意").contains(text);
    }

    private static boolean isBlank(Value value) {
        return value.hasNullValue() || value.hasStringValue() && value.getStringValue().isBlank();
    }

    private static String text(Value value) {
        return switch (value.getKindCase()) {
            case STRING_VALUE -> value.getStringValue();
            case NUMBER_VALUE -> {
                double number = value.getNumberValue();
                yield number == Math.rint(number) && Math.abs(number) <= JsonValues.EXACT_INTEGER
                        ? String.valueOf((long) number) : String.valueOf(number);
            }
            case BOOL_VALUE -> String.valueOf(value.getBoolValue());
            default -> value.toString();
        };
    }

    private static FieldError error(String field, String code, String message) {
        return FieldError.newBuilder().setField(field).setCode(code).setMessage(message).build();
    }
}
