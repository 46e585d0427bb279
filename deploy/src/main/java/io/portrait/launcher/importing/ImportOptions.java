package io.portrait.launcher.importing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.nio.file.Path;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * What {@code ./portrait import FILE [options]} was asked: the file, its format (named, or told by the file's
 * extension), the column mapping and the job's defaults, and which gateway to load it into. Anything the command
 * cannot work with is an {@link IllegalArgumentException} saying what is wrong, which the launcher prints, so a
 * mistake is caught before a job is created on the gateway.
 *
 * @param key {@code null} when not given: the command then uses the local suite's admin key
 */
public record ImportOptions(Path file, String format, Map<String, String> mapping, String source, String type,
                            String event, String channel, String encoding, String timeZone, String sheet, String url,
                            String key) {

    static final String DEFAULT_URL = "http://localhost:8080";

    private static final Set<String> FORMATS = Set.of("csv", "ndjson", "xlsx", "xls");
    private static final Set<String> VALUED = Set.of("--format", "--source", "--type", "--event", "--channel",
            "--encoding", "--time-zone", "--sheet", "--url", "--key");
    private static final String MAP = "--map";

    public ImportOptions {
        mapping = Collections.unmodifiableMap(new LinkedHashMap<>(mapping));
    }

    public static ImportOptions parse(List<String> arguments) {
        Path file = null;
        Map<String, String> values = new HashMap<>();
        Map<String, String> mapping = new LinkedHashMap<>();
        for (int i = 0; i < arguments.size(); i++) {
            String argument = arguments.get(i);
            if (!argument.startsWith("--")) {
                if (file != null) {
                    throw new IllegalArgumentException("import takes one file, not both " + file + " and " + argument);
                }
                file = Path.of(argument);
                continue;
            }
            if (!argument.equals(MAP) && !VALUED.contains(argument)) {
                throw new IllegalArgumentException("unknown option for import: " + argument);
            }
            if (i + 1 >= arguments.size() || arguments.get(i + 1).startsWith("--")) {
                throw new IllegalArgumentException("option " + argument + " of import needs a value");
            }
            String value = arguments.get(++i);
            if (argument.equals(MAP)) {
                map(value, mapping);
            } else if (values.putIfAbsent(argument, value) != null) {
                throw new IllegalArgumentException("option " + argument + " of import is given twice");
            }
        }
        if (file == null) {
            throw new IllegalArgumentException("import needs the file to load: ./portrait import FILE [options]");
        }
        String format = values.containsKey("--format") ? format(values.get("--format")) : formatOf(file);
        return new ImportOptions(file, format, mapping, values.get("--source"), values.get("--type"),
                values.get("--event"), values.get("--channel"), values.get("--encoding"), values.get("--time-zone"),
                values.get("--sheet"), values.getOrDefault("--url", DEFAULT_URL), values.get("--key"));
    }

    /**
     * The format a file's name tells: .csv, .ndjson or .jsonl, .xlsx (or a macro-enabled .xlsm, read alike), .xls (a
     * legacy Excel 97-2003 workbook).
     */
    static String formatOf(Path file) {
        String name = file.getFileName() == null ? "" : file.getFileName().toString().toLowerCase(Locale.ROOT);
        String extension = name.lastIndexOf('.') < 0 ? "" : name.substring(name.lastIndexOf('.'));
        return switch (extension) {
            case ".csv" -> "csv";
            case ".ndjson", ".jsonl" -> "ndjson";
            case ".xlsx", ".xlsm" -> "xlsx";
            case ".xls" -> "xls";
            default -> throw new IllegalArgumentException("cannot tell the format of " + file + " from its name: "
                    + "pass --format csv, ndjson, xlsx or xls");
        };
    }

    /** The body of {@code POST /v1/imports}: only what was given, so the gateway's defaults apply to the rest. */
    ObjectNode jobRequest(ObjectMapper mapper) {
        ObjectNode request = mapper.createObjectNode();
        request.put("format", format);
        put(request, "source", source);
        put(request, "type", type);
        put(request, "event", event);
        put(request, "channel", channel);
        put(request, "encoding", encoding);
        put(request, "timeZone", timeZone);
        put(request, "sheet", sheet);
        if (file.getFileName() != null) {
            request.put("fileName", file.getFileName().toString());
        }
        if (!mapping.isEmpty()) {
            ObjectNode columns = request.putObject("mapping");
            mapping.forEach(columns::put);
        }
        return request;
    }

    /** The Content-Type the chunks are sent with; the gateway takes any, this one tells a proxy or a log what they are. */
    String contentType() {
        return switch (format) {
            case "csv" -> "text/csv";
            case "ndjson" -> "application/x-ndjson";
            case "xls" -> "application/vnd.ms-excel";
            default -> "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet";
        };
    }

    private static String format(String value) {
        String format = value.strip().toLowerCase(Locale.ROOT);
        if (!FORMATS.contains(format)) {
            throw new IllegalArgumentException("--format of import must be csv, ndjson, xlsx or xls, not " + value);
        }
        return format;
    }

    /** {@code column=field}, split at the last {@code =}: a field name has none, a column's name might. */
    private static void map(String value, Map<String, String> mapping) {
        int equals = value.lastIndexOf('=');
        String column = equals < 0 ? "" : value.substring(0, equals).strip();
        String field = equals < 0 ? "" : value.substring(equals + 1).strip();
        if (column.isEmpty() || field.isEmpty()) {
            throw new IllegalArgumentException("--map of import takes column=field (e.g. --map 邮箱=identifiers.email), "
                    + "not " + value);
        }
        if (mapping.putIfAbsent(column, field) != null) {
            throw new IllegalArgumentException("--map of import names the column '" + column + "' twice");
        }
    }

    private static void put(ObjectNode request, String field, String value) {
        if (value != null) {
            request.put(field, value);
        }
    }
}
