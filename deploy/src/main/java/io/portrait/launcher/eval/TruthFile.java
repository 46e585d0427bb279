package io.portrait.launcher.eval;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.Set;

/** The true pairs of a linkage task: a header, then two record ids per row, in either order. */
final class TruthFile {

    private TruthFile() {
    }

    static Set<String> read(Path file) {
        try (BufferedReader reader = Files.newBufferedReader(file, StandardCharsets.UTF_8)) {
            return read(reader, file.toString());
        } catch (IOException e) {
            throw new UncheckedIOException("cannot read " + file, e);
        }
    }

    static Set<String> read(BufferedReader reader, String name) throws IOException {
        if (reader.readLine() == null) {
            throw new IllegalArgumentException(name + " is empty: expected a header, then two record ids per row");
        }
        Set<String> pairs = new HashSet<>();
        int lineNumber = 1;
        for (String line = reader.readLine(); line != null; line = reader.readLine()) {
            lineNumber++;
            if (line.isBlank()) {
                continue;
            }
            String[] ids = line.split(",", -1);
            if (ids.length < 2 || ids[0].isBlank() || ids[1].isBlank()) {
                throw new IllegalArgumentException(name + " line " + lineNumber + ": expected two record ids, got '"
                        + line + "'");
            }
            pairs.add(key(ids[0].strip(), ids[1].strip()));
        }
        return pairs;
    }

    /** One key for a pair whichever way round it is written. */
    static String key(String a, String b) {
        return a.compareTo(b) < 0 ? a + '\u0000' + b : b + '\u0000' + a;
    }
}
