package io.portrait.launcher.bench;

import io.portrait.identity.engine.linkage.Comparators;
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
    void phonesLeaveEveryOtherFieldAsItWas() {
        List<PersonRecord> without = new PersonGenerator(5).generate(5_000).records();
        List<PersonRecord> with = PersonGenerator.withPhones(5).generate(5_000).records();

        assertThat(without).allMatch(record -> record.phone() == null);
        assertThat(with).extracting(record -> new PersonRecord(record.id(), record.givenName(), record.surname(),
                record.streetNumber(), record.address1(), record.address2(), record.suburb(), record.postcode(),
                record.state(), record.dateOfBirth(), record.idNumber())).isEqualTo(without);
        assertThat(PersonGenerator.withPhones(5).generate(5_000).records()).isEqualTo(with);
    }

    @Test
    void duplicatesCarryThePhoneErrorsOfRealImports() {
        PersonGenerator.People people = PersonGenerator.withPhones(3).generate(20_000);
        List<PersonRecord> records = people.records();
        int bothHave = 0;
        int agree = 0;
        int close = 0;
        int fragments = 0;
        int withPrefix = 0;
        for (int i = 1; i < records.size(); i++) {
            PersonRecord copy = records.get(i);
            withPrefix += copy.phone() != null && copy.phone().startsWith("+61 ") ? 1 : 0;
            if (people.person()[i] == people.person()[i - 1] && copy.phone() != null
                    && records.get(i - 1).phone() != null) {
                bothHave++;
                int level = Comparators.phone(records.get(i - 1).phone(), copy.phone());
                agree += level == Comparators.AGREE ? 1 : 0;
                close += level == Comparators.CLOSE ? 1 : 0;
                fragments += copy.phone().length() == 4 ? 1 : 0;
            }
        }
        assertThat((double) agree / bothHave).isBetween(0.6, 0.9);
        assertThat((double) close / bothHave).isBetween(0.08, 0.3);
        assertThat(fragments).isPositive();
        assertThat(withPrefix).isPositive();
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
