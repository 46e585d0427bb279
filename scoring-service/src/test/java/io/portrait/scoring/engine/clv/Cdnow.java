package io.portrait.scoring.engine.clv;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;

/** The CDNOW calibration summary (see src/test/resources/cdnow/ATTRIBUTION.md), times in weeks. */
final class Cdnow {

    private Cdnow() {
    }

    static List<RepeatHistory> summary() {
        List<RepeatHistory> histories = new ArrayList<>();
        try (BufferedReader reader = new BufferedReader(new InputStreamReader(Objects.requireNonNull(
                Cdnow.class.getResourceAsStream("/cdnow/cdnow_customers_summary_with_transactions.csv")),
                StandardCharsets.UTF_8))) {
            reader.readLine();
            for (String line = reader.readLine(); line != null; line = reader.readLine()) {
                if (line.isBlank()) {
                    continue;
                }
                String[] f = line.split(",");
                histories.add(new RepeatHistory(Integer.parseInt(f[1]), Double.parseDouble(f[2]),
                        Double.parseDouble(f[3]), Double.parseDouble(f[4])));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return histories;
    }
}
