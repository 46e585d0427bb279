package io.portrait.ingestion.engine;

import io.portrait.ingestion.domain.OutboxEntry;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static io.portrait.ingestion.engine.OutboxEntries.entries;
import static io.portrait.ingestion.engine.OutboxEntries.specs;
import static org.assertj.core.api.Assertions.assertThat;

class OrderGateTest {

    @ParameterizedTest(name = "held [{0}], candidates [{1}] -> [{2}]")
    @CsvSource(delimiter = '|', value = {
            // nothing held: everything goes
            "                  | e:1:a e:2:b e:3:a         | e:1:a e:2:b e:3:a",
            // an earlier entry of a is undelivered elsewhere: a waits, b goes
            "e:1:a             | e:2:a e:3:b e:4:a         | e:3:b",
            // a held entry later than the candidate does not block it
            "e:9:a             | e:2:a e:3:b               | e:2:a e:3:b",
            // a held merge of a into b blocks both profiles behind it
            "m:5.0:b+a         | e:6:a e:7:b e:8:c         | e:8:c",
            // a candidate merge behind a held event of a merged profile waits, and so does what follows it
            "e:4:a             | m:5.0:b+a e:5.1:b e:6:c   | e:6:c",
            // the merge comes first within its event: the event after it goes only if the merge goes
            "                  | m:5.0:b+a e:5.1:b         | m:5.0:b+a e:5.1:b",
    })
    void admitsOnlyEntriesWithNothingEarlierOfTheirProfilesHeld(String held, String candidates, String admitted) {
        OrderGate gate = new OrderGate();
        entries(held == null ? "" : held).forEach(gate::hold);

        List<OutboxEntry> passed = entries(candidates).stream().filter(gate::pass).toList();

        assertThat(specs(passed)).isEqualTo(admitted);
    }
}
