package io.portrait.launcher.eval;

import io.portrait.identity.engine.linkage.PersonRecord;
import no.priv.garshol.duke.Comparator;
import no.priv.garshol.duke.ConfigurationImpl;
import no.priv.garshol.duke.DataSource;
import no.priv.garshol.duke.Processor;
import no.priv.garshol.duke.Property;
import no.priv.garshol.duke.PropertyImpl;
import no.priv.garshol.duke.Record;
import no.priv.garshol.duke.RecordImpl;
import no.priv.garshol.duke.comparators.ExactComparator;
import no.priv.garshol.duke.comparators.JaroWinkler;
import no.priv.garshol.duke.comparators.Levenshtein;
import no.priv.garshol.duke.comparators.NumericComparator;
import no.priv.garshol.duke.datasources.InMemoryDataSource;
import no.priv.garshol.duke.matchers.AbstractMatchListener;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The same task run by Duke 1.2 (Lars Marius Garshol's Java record-linkage engine, Lucene candidate search and a
 * naive-Bayes combination of per-field probabilities), configured the way its documentation suggests for person
 * records: Jaro–Winkler on names, Levenshtein on dates, addresses, postcodes and id numbers, exact street numbers
 * and states; a field's low/high probabilities say how much a disagreement or an agreement is worth. The values
 * are set by judgement, not tuned on any truth file, and thresholds are Duke's usual 0.9 (match) / 0.7 (maybe).
 */
final class DukeLinkage {

    static final double MATCH = 0.9;
    static final double MAYBE = 0.7;

    private DukeLinkage() {
    }

    static IdentityEval.Found find(List<List<PersonRecord>> files) {
        ConfigurationImpl config = new ConfigurationImpl();
        config.setThreshold(MATCH);
        config.setMaybeThreshold(MAYBE);
        config.setProperties(properties());
        List<DataSource> first = List.of(source(files.get(0)));
        Set<String> matches = ConcurrentHashMap.newKeySet();
        Set<String> maybe = ConcurrentHashMap.newKeySet();
        AtomicInteger comparisons = new AtomicInteger();
        Processor processor;
        if (files.size() == 1) {
            config.addDataSource(0, first.get(0));
            processor = new Processor(config, true);
        } else {
            config.addDataSource(1, first.get(0));
            config.addDataSource(2, source(files.get(1)));
            processor = new Processor(config, true);
        }
        processor.setThreads(Runtime.getRuntime().availableProcessors());
        processor.addMatchListener(new AbstractMatchListener() {
            @Override
            public void matches(Record a, Record b, double confidence) {
                matches.add(TruthFile.key(a.getValue("ID"), b.getValue("ID")));
            }

            @Override
            public void matchesPerhaps(Record a, Record b, double confidence) {
                maybe.add(TruthFile.key(a.getValue("ID"), b.getValue("ID")));
            }
        });
        try {
            if (files.size() == 1) {
                processor.deduplicate();
            } else {
                processor.link();
            }
        } finally {
            processor.close();
        }
        maybe.removeAll(matches);
        return new IdentityEval.Found(Set.copyOf(matches), maybe.size(), processor.getComparisonCount());
    }

    private static List<Property> properties() {
        List<Property> properties = new ArrayList<>();
        properties.add(new PropertyImpl("ID"));
        properties.add(new PropertyImpl("given_name", new JaroWinkler(), 0.3, 0.88));
        properties.add(new PropertyImpl("surname", new JaroWinkler(), 0.2, 0.9));
        properties.add(new PropertyImpl("date_of_birth", new Levenshtein(), 0.2, 0.9));
        properties.add(new PropertyImpl("street_number", new ExactComparator(), 0.4, 0.6));
        properties.add(new PropertyImpl("address_1", new Levenshtein(), 0.3, 0.8));
        properties.add(new PropertyImpl("suburb", new Levenshtein(), 0.4, 0.7));
        properties.add(new PropertyImpl("postcode", postcode(), 0.35, 0.75));
        properties.add(new PropertyImpl("state", new ExactComparator(), 0.45, 0.55));
        properties.add(new PropertyImpl("soc_sec_id", new Levenshtein(), 0.2, 0.95));
        return properties;
    }

    /** Postcodes as numbers: nearby codes are nearby areas. */
    private static Comparator postcode() {
        NumericComparator numeric = new NumericComparator();
        numeric.setMinRatio(0.7);
        return new Comparator() {
            @Override
            public boolean isTokenized() {
                return false;
            }

            @Override
            public double compare(String a, String b) {
                return a.equals(b) ? 1 : Math.max(numeric.compare(a, b) * 0.8, new Levenshtein().compare(a, b));
            }
        };
    }

    private static InMemoryDataSource source(List<PersonRecord> records) {
        InMemoryDataSource source = new InMemoryDataSource();
        for (PersonRecord person : records) {
            RecordImpl record = new RecordImpl();
            record.addValue("ID", person.id());
            add(record, "given_name", person.givenName());
            add(record, "surname", person.surname());
            add(record, "date_of_birth", person.dateOfBirth());
            add(record, "street_number", person.streetNumber());
            add(record, "address_1", person.address1());
            add(record, "suburb", person.suburb());
            add(record, "postcode", person.postcode());
            add(record, "state", person.state());
            add(record, "soc_sec_id", person.idNumber());
            source.add(record);
        }
        return source;
    }

    private static void add(RecordImpl record, String property, String value) {
        if (value != null) {
            record.addValue(property, value);
        }
    }
}
