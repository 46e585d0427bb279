package io.portrait.launcher.bench;

import io.portrait.identity.engine.linkage.PersonRecord;
import org.junit.jupiter.api.Test;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

class PersonGeneratorTest {

    @Test
    void theSameSeedGivesTheSameRecords() {
        assertThat(new PersonGenerator(7).generate(2_000).records())
                .isEqualTo(new PersonGenerator(7).generate(2_000).records());
        assertThat(new PersonGenerator(7).generate(2_000).records())
                .isNotEqualTo(new PersonGenerator(8).generate(2_000).records());
    }

    @Test
    void truePairsCountEveryPairOfAPersonsRecords() {
        PersonGenerator.People people = new PersonGenerator(1).generate(20_000);
        long pairs = 0;
        int[] person = people.person();
        for (int i = 0; i < person.length; i++) {
            for (int j = i + 1; j < person.length && person[j] == person[i]; j++) {
                pairs++;
            }
        }
        assertThat(people.truePairs()).isEqualTo(pairs).isGreaterThan(5_000);
        assertThat(people.records()).hasSize(20_000);
    }

    @Test
    void duplicatesCarryRealisticErrors() {
        PersonGenerator.People people = new PersonGenerator(3).generate(20_000);
        List<PersonRecord> records = people.records();
        int differentGiven = 0;
        int differentDate = 0;
        int missingId = 0;
        int duplicates = 0;
        for (int i = 1; i < records.size(); i++) {
            if (people.person()[i] == people.person()[i - 1]) {
                duplicates++;
                PersonRecord original = records.get(i - 1);
                PersonRecord copy = records.get(i);
                differentGiven += java.util.Objects.equals(original.givenName(), copy.givenName()) ? 0 : 1;
                differentDate += java.util.Objects.equals(original.dateOfBirth(), copy.dateOfBirth()) ? 0 : 1;
                missingId += copy.idNumber() == null ? 1 : 0;
            }
        }
        // Typos, nicknames and swaps touch a fair share of duplicates, but most still agree.
        assertThat((double) differentGiven / duplicates).isBetween(0.1, 0.5);
        assertThat((double) differentDate / duplicates).isBetween(0.05, 0.3);
        assertThat((double) missingId / duplicates).isBetween(0.2, 0.6);
    }
}
