package io.portrait.launcher.eval;

import io.portrait.identity.engine.linkage.PersonRecord;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Person records in the Febrl format: a header naming the columns ({@code rec_id, given_name, surname,
 * street_number, address_1, address_2, suburb, postcode, state, date_of_birth, soc_sec_id}, in any order, other
 * columns ignored), values with a leading space, empty for missing, numbers kept as text. No quoting.
 */
final class FebrlFile {

    static final List<String> COLUMNS = List.of("rec_id", "given_name", "surname", "street_number", "address_1",
            "address_2", "suburb", "postcode", "state", "date_of_birth", "soc_sec_id");

    private FebrlFile() {
    }

    static List<PersonRecord> read(Path file) {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(reader, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static List<PersonRecord> read(BufferedReader reader, String name) throws IOException {
        String header = reader.readLine();
        if (header == null) {
            throw new IllegalArgumentException(name + " is empty: expected a Febrl header (" + String.join(", ", COLUMNS) + ")");
        }
        Map<String, Integer> positions = new HashMap<>();
        String[] names = header.replace("\uFEFF", "").split(",", -1);
        for (int i = 0; i < names.length; i++) {
            positions.put(names[i].strip().toLowerCase(Locale.ROOT), i);
        }
        if (!positions.containsKey("rec_id")) {
            throw new IllegalArgumentException(name + " is not in the Febrl format: its header has no rec_id column"
                    + " (expected " + String.join(", ", COLUMNS) + ")");
        }
        int[] column = new int[COLUMNS.size()];
        int known = 0;
        for (int k = 0; k < COLUMNS.size(); k++) {
            column[k] = positions.getOrDefault(COLUMNS.get(k), -1);
            known += column[k] >= 0 ? 1 : 0;
        }
        if (known < 3) {
            throw new IllegalArgumentException(name + " is not in the Febrl format: its header names "
                    + "fewer than two of the person columns (" + String.join(", ", COLUMNS.subList(1, COLUMNS.size())) + ")");
        }
        List<PersonRecord> records = new ArrayList<>();
        int lineNumber = 1;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            String[] values = line.split(",", -1);
            String[] v = new String[COLUMNS.size()];
            for (int k = 0; k < COLUMNS.size(); k++) {
                v[k] = column[k] >= 0 && column[k] < values.length ? values[column[k]] : null;
            }
            if (v[0] == null || v[0].isBlank()) {
                throw new IllegalArgumentException(name + " line " + lineNumber + ": no rec_id");
            }
            records.add(new PersonRecord(v[0].strip(), v[1], v[2], v[3], v[4], v[5], v[6], v[7], v[8], v[9], v[10]));
        }
        return records;
    }
}
