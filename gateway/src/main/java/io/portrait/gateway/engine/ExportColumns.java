package io.portrait.gateway.engine;

import io.portrait.common.identifier.IdentifierNormalizer;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * What an audience export carries besides each member's profile id: identifiers by type, golden-record traits and
 * tag values by code, named as an import's mapping names them ({@code identifiers.email}, {@code traits.name},
 * {@code tags.loyalty}), so an exported file can be imported elsewhere as it is.
 */
public record ExportColumns(List<String> identifiers, List<String> traits, List<String> tags) {

    /** Columns an export may ask for, all kinds together. */
    public static final int MAX_COLUMNS = 32;

    private static final Pattern NAME = Pattern.compile("[a-z][a-z0-9_]{0,63}");

    public static final ExportColumns NONE = new ExportColumns(List.of(), List.of(), List.of());

    /**
     * Reads the comma-separated lists of an export request (each may be null or blank).
     *
     * @throws IllegalArgumentException naming the parameter and the value it cannot use
     */
    public static ExportColumns parse(String identifiers, String traits, String tags) {
        List<String> types = names("identifiers", identifiers);
        for (String type : types) {
            if (!IdentifierNormalizer.TYPES.contains(type)) {
                throw new IllegalArgumentException("\"identifiers\": unknown identifier type '" + type + "'; types are "
                        + String.join(", ", IdentifierNormalizer.TYPES.stream().sorted().toList()) + ".");
            }
        }
        ExportColumns columns = new ExportColumns(types, names("traits", traits), names("tags", tags));
        int count = columns.identifiers.size() + columns.traits.size() + columns.tags.size();
        if (count > MAX_COLUMNS) {
            throw new IllegalArgumentException("An export carries at most " + MAX_COLUMNS + " identifier, trait and tag"
                    + " columns together; " + count + " were asked for.");
        }
        return columns;
    }

    private static List<String> names(String parameter, String list) {
        if (list == null || list.isBlank()) {
            return List.of();
        }
        Set<String> names = new LinkedHashSet<>();
        for (String part : list.split(",", -1)) {
            String name = part.strip();
            if (!NAME.matcher(name).matches()) {
                throw new IllegalArgumentException("\"" + parameter + "\": '" + name + "' is not a name (lower-case"
                        + " letters, digits and _, starting with a letter); separate names with commas.");
            }
            names.add(name);
        }
        return List.copyOf(names);
    }

    /** Whether identity must be asked: identifiers or traits are wanted. */
    public boolean needsIdentity() {
        return !identifiers.isEmpty() || !traits.isEmpty();
    }

    public boolean needsTags() {
        return !tags.isEmpty();
    }

    /** Whether the export carries personal data (identifiers or traits): masked or audited. */
    public boolean carriesPii() {
        return needsIdentity();
    }

    /** The CSV header: {@code profile_id,since} and then each asked column by its mapping name. */
    public List<String> header() {
        List<String> header = new ArrayList<>(List.of("profile_id", "since"));
        identifiers.forEach(type -> header.add("identifiers." + type));
        traits.forEach(trait -> header.add("traits." + trait));
        tags.forEach(tag -> header.add("tags." + tag));
        return header;
    }
}
