package io.portrait.ingestion.engine;

import io.portrait.ingestion.domain.OutboxEntry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.ArrayList;
import java.util.List;

import static io.portrait.ingestion.engine.OutboxEntries.entries;
import static io.portrait.ingestion.engine.OutboxEntries.entry;
import static io.portrait.ingestion.engine.OutboxEntries.specs;
import static org.assertj.core.api.Assertions.assertThat;

class DeliveryPlannerTest {

    @ParameterizedTest(name = "[{0}] -> {1}")
    @CsvSource(delimiter = '|', value = {
            "e:1:a e:2:b e:3:a                     | EVENT[e:1:a e:2:b e:3:a]",
            "e:1:a m:2.0:a+b e:2.1:a e:3:c         | EVENT[e:1:a] MERGE[m:2.0:a+b] EVENT[e:2.1:a e:3:c]",
            "e:3:a e:1:b e:2:a                     | EVENT[e:1:b e:2:a e:3:a]",
            "e:1:a x:2:a e:3:a                     | EVENT[e:1:a] ERASE[x:2:a] EVENT[e:3:a]",
            "e:1:a e:2:a e:3:a e:4:a e:5:a         | EVENT[e:1:a e:2:a e:3:a] EVENT[e:4:a e:5:a]",
    })
    void cutsEntriesIntoCallsInDeliveryOrder(String entries, String expected) {
        List<DeliveryUnit> units = new DeliveryPlanner(3).plan(entries(entries));

        assertThat(describe(units)).isEqualTo(expected);
    }

    @Test
    void neverMixesWorkspacesInOneCall() {
        List<OutboxEntry> mixed = List.of(entry("e:1:a", "w1"), entry("e:2:b", "w1"), entry("e:3:c", "w2"));

        List<DeliveryUnit> units = new DeliveryPlanner(10).plan(mixed);

        assertThat(units).extracting(DeliveryUnit::workspace).containsExactly("w1", "w2");
        assertThat(units).extracting(u -> u.entries().size()).containsExactly(2, 1);
    }

    private static String describe(List<DeliveryUnit> units) {
        List<String> parts = new ArrayList<>();
        for (DeliveryUnit unit : units) {
            parts.add(unit.kind() + "[" + specs(unit.entries()) + "]");
        }
        return String.join(" ", parts);
    }
}
