package io.portrait.gateway.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import io.portrait.gateway.engine.CsvCell;
import io.portrait.gateway.engine.ExportColumns;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * One member of an audience, as its export and its page of members give it: its profile id and since when it is a
 * member, then the asked identifiers (every value of each type), traits and tag values (a list tag's items as a list).
 * What was not asked, or the profile does not hold, is absent.
 */
@JsonInclude(JsonInclude.Include.NON_EMPTY)
public record AudienceMember(String profileId, String since, Map<String, List<String>> identifiers,
                             Map<String, String> traits, Map<String, Object> tags) {

    /** Several values in one CSV cell (two emails, a list tag's items). */
    static final String VALUES_SEPARATOR = "; ";

    /** The row as one CSV line in the order of {@link ExportColumns#header()}. */
    public String csvLine(ExportColumns columns) {
        List<String> cells = new ArrayList<>(List.of(CsvCell.of(profileId), CsvCell.of(since)));
        columns.identifiers().forEach(type -> cells.add(CsvCell.of(joined(identifiers.get(type)))));
        columns.traits().forEach(trait -> cells.add(CsvCell.of(traits.get(trait))));
        columns.tags().forEach(tag -> cells.add(CsvCell.of(text(tags.get(tag)))));
        return String.join(",", cells) + "\n";
    }

    private static String text(Object value) {
        if (value instanceof List<?> items) {
            return joined(items);
        }
        return value == null ? null : value.toString();
    }

    private static String joined(List<?> values) {
        return values == null ? null : String.join(VALUES_SEPARATOR, values.stream().map(String::valueOf).toList());
    }
}
