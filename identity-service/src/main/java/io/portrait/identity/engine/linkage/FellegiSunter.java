package io.portrait.identity.engine.linkage;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.IntStream;

/**
 * Probabilistic record linkage (Fellegi–Sunter) for records without a shared key: candidate pairs from several
 * blocking passes, each pair compared field by field into an agreement pattern, m and u probabilities estimated
 * from the patterns by expectation–maximisation (no labelled data needed), and each pair's match probability
 * set against two thresholds: above the upper one a match, between them a pair for review, below a non-match.
 *
 * <p>Built for millions of records: blocking keys are 64-bit hashes sorted in primitive arrays, blocks are compared
 * in parallel, a pair found by an earlier pass is skipped without a shared set, and each pattern is packed into
 * one int (two bits a field) so that EM runs over a histogram of patterns, not over the pairs.
 */
public final class FellegiSunter {

    /** Fields compared, in pattern order. */
    public static final List<String> COMPARISONS = List.of(
            "given_name", "surname", "date_of_birth", "street_number", "address_1", "suburb", "postcode", "state",
            "id_number", "phone");

    private static final int LEVELS = 3;
    private static final int FIELDS = 10;
    /** Digits of a phone number it is blocked by: its last eight. */
    private static final int PHONE_KEY_DIGITS = 8;
    /** A block larger than this says little (a common surname) and would cost quadratically; it is skipped. */
    private static final int MAX_BLOCK = 400;
    private static final double FLOOR = 1e-6;
    private static final int EM_ITERATIONS = 200;
    /** Random record pairs that estimate u: enough for a level seen once in 10,000 pairs to be measured. */
    private static final int RANDOM_PAIRS = 200_000;

    /** Spellings of one name a record is blocked under: a Chinese name's readings (曾 zeng / ceng), at most. */
    private static final int MAX_NAME_FORMS = 4;
    /** Keys of one record in one pass at most (a surname's readings times the given name's). */
    private static final int MAX_PASS_KEYS = 8;

    /**
     * Blocking passes: records sharing any of these keys become candidate pairs. Each key is selective enough to keep
     * blocks small among millions of records, and together they forgive an error in any one or two fields. Names
     * enter a key as {@link #nameForms}, so that a name in characters and the same name in pinyin share it; a record
     * has one key in a pass, none, or one per reading of a Chinese name.
     */
    private static final List<Function<PersonRecord, List<String>>> BLOCKING = List.of(
            r -> joinAll(nameForms(r.surname()), prefixes(nameForms(r.givenName()), 2)),
            r -> joinAll(nameForms(r.givenName()), one(r.dateOfBirth())),
            r -> joinAll(nameForms(r.surname()), one(r.dateOfBirth())),
            r -> one(join(r.dateOfBirth(), r.postcode())),
            r -> one(r.idNumber()),
            r -> joinAll(nameForms(r.givenName()), one(r.postcode())),
            r -> one(join(r.streetNumber(), r.postcode())),
            FellegiSunter::sortedNames,
            r -> one(phoneKey(r.phone())));

    /**
     * The comparisons each blocking pass holds (nearly) constant among its pairs, by index in {@link #COMPARISONS}:
     * its key's fields, and with the postcode also the suburb and state that a postcode mostly decides.
     */
    private static final int[][] BLOCKED_FIELDS = {{0, 1}, {0, 2}, {1, 2}, {2, 5, 6, 7}, {8}, {0, 5, 6, 7},
            {3, 5, 6, 7}, {0, 1}, {9}};

    private final double upper;
    private final double lower;

    /** Thresholds on the match probability: {@code upper} for a match, {@code lower} for review. */
    public FellegiSunter(double upper, double lower) {
        if (!(0 < lower && lower <= upper && upper < 1)) {
            throw new IllegalArgumentException("thresholds must satisfy 0 < lower <= upper < 1");
        }
        this.upper = upper;
        this.lower = lower;
    }

    public enum Decision { MATCH, REVIEW, NON_MATCH }

    public record ScoredPair(String a, String b, double probability, Decision decision) {
    }

    /**
     * The outcome of a large linkage: the estimated model, how many candidate pairs were compared, and only the
     * pairs at or above the lower threshold (matches and pairs for review).
     */
    public record Linkage(Model model, long candidatePairs, List<ScoredPair> decided) {

        public long matches() {
            return decided.stream().filter(p -> p.decision() == Decision.MATCH).count();
        }
    }

    /** The estimated model: prior match share among candidates, m[field][level] and u[field][level]. */
    public record Model(double prior, double[][] m, double[][] u) {

        public double probability(int[] pattern) {
            double logMatch = Math.log(prior);
            double logNon = Math.log(1 - prior);
            for (int k = 0; k < pattern.length; k++) {
                if (pattern[k] >= 0) {
                    logMatch += Math.log(m[k][pattern[k]]);
                    logNon += Math.log(u[k][pattern[k]]);
                }
            }
            return 1 / (1 + Math.exp(logNon - logMatch));
        }

        double probability(int code) {
            return probability(unpack(code));
        }
    }

    /** Deduplicates one list: every candidate pair scored and decided. */
    public List<ScoredPair> dedupe(List<PersonRecord> records) {
        return run(records.toArray(PersonRecord[]::new), -1, true).decided();
    }

    /** Links two lists: only pairs with one record from each. */
    public List<ScoredPair> link(List<PersonRecord> left, List<PersonRecord> right) {
        return run(concat(left, right), left.size(), true).decided();
    }

    /** Like {@link #dedupe}, keeping only matches and pairs for review: for millions of records. */
    public Linkage dedupeDecided(List<PersonRecord> records) {
        return run(records.toArray(PersonRecord[]::new), -1, false);
    }

    /** Like {@link #link}, keeping only matches and pairs for review: for millions of records. */
    public Linkage linkDecided(List<PersonRecord> left, List<PersonRecord> right) {
        return run(concat(left, right), left.size(), false);
    }

    private static PersonRecord[] concat(List<PersonRecord> left, List<PersonRecord> right) {
        PersonRecord[] all = new PersonRecord[left.size() + right.size()];
        for (int i = 0; i < left.size(); i++) {
            all[i] = left.get(i);
        }
        for (int i = 0; i < right.size(); i++) {
            all[left.size() + i] = right.get(i);
        }
        return all;
    }

    /** {@code leftSize} -1 to dedupe, else the records before it are one list and those after the other. */
    private Linkage run(PersonRecord[] records, int leftSize, boolean keepNonMatches) {
        Pairs pairs = candidatePairs(records, leftSize);
        long possiblePairs = leftSize < 0 ? (long) records.length * (records.length - 1) / 2
                : (long) leftSize * (records.length - leftSize);
        Model model = estimate(pairs, nonMatchLevels(records, leftSize), possiblePairs);
        double[] probabilities = new double[1 << (2 * FIELDS)];
        boolean[] seen = new boolean[probabilities.length];
        for (int i = 0; i < pairs.size; i++) {
            int code = pairs.codes[i];
            if (!seen[code]) {
                seen[code] = true;
                probabilities[code] = model.probability(code);
            }
        }
        List<ScoredPair> scored = new ArrayList<>();
        for (int i = 0; i < pairs.size; i++) {
            double probability = probabilities[pairs.codes[i]];
            Decision decision = probability >= upper ? Decision.MATCH
                    : probability >= lower ? Decision.REVIEW : Decision.NON_MATCH;
            if (keepNonMatches || decision != Decision.NON_MATCH) {
                scored.add(new ScoredPair(records[pairs.a[i]].id(), records[pairs.b[i]].id(), probability, decision));
            }
        }
        return new Linkage(model, pairs.size, scored);
    }

    /**
     * The keys one record is blocked under, each prefixed with its pass number (one per pass that yields a key, or one
     * per reading of a Chinese name): what an index of stored records is searched by to find the candidates of a new
     * one.
     */
    public static List<String> blockingKeys(PersonRecord record) {
        List<String> keys = new ArrayList<>();
        for (int pass = 0; pass < BLOCKING.size(); pass++) {
            for (String key : BLOCKING.get(pass).apply(record)) {
                keys.add(pass + ":" + key);
            }
        }
        return keys;
    }

    /** The agreement pattern of two records, one level per comparison. */
    public static int[] compare(PersonRecord a, PersonRecord b) {
        return new int[] {
                Comparators.name(a.givenName(), b.givenName(), a.surname(), b.surname()),
                Comparators.name(a.surname(), b.surname(), a.givenName(), b.givenName()),
                Comparators.date(a.dateOfBirth(), b.dateOfBirth()),
                Comparators.exact(a.streetNumber(), b.streetNumber()),
                Comparators.address(a.address1(), b.address1()),
                Comparators.text(a.suburb(), b.suburb(), 0.85),
                Comparators.code(a.postcode(), b.postcode()),
                Comparators.exact(a.state(), b.state()),
                Comparators.code(a.idNumber(), b.idNumber()),
                Comparators.phone(a.phone(), b.phone())};
    }

    /** {@link #compare} packed, with the records' address forms made once beforehand. */
    private static int code(PersonRecord a, String[] addressA, PersonRecord b, String[] addressB) {
        return (Comparators.name(a.givenName(), b.givenName(), a.surname(), b.surname()) + 1)
                | (Comparators.name(a.surname(), b.surname(), a.givenName(), b.givenName()) + 1) << 2
                | (Comparators.date(a.dateOfBirth(), b.dateOfBirth()) + 1) << 4
                | (Comparators.exact(a.streetNumber(), b.streetNumber()) + 1) << 6
                | (Comparators.address(a.address1(), addressA, b.address1(), addressB) + 1) << 8
                | (Comparators.text(a.suburb(), b.suburb(), 0.85) + 1) << 10
                | (Comparators.code(a.postcode(), b.postcode()) + 1) << 12
                | (Comparators.exact(a.state(), b.state()) + 1) << 14
                | (Comparators.code(a.idNumber(), b.idNumber()) + 1) << 16
                | (Comparators.phone(a.phone(), b.phone()) + 1) << 18;
    }

    /** A pattern packed two bits a field: level + 1, so that missing (-1) is 0. */
    static int pack(int[] pattern) {
        int code = 0;
        for (int k = 0; k < pattern.length; k++) {
            code |= (pattern[k] + 1) << (2 * k);
        }
        return code;
    }

    static int[] unpack(int code) {
        int[] pattern = new int[FIELDS];
        for (int k = 0; k < FIELDS; k++) {
            pattern[k] = ((code >>> (2 * k)) & 3) - 1;
        }
        return pattern;
    }

    /**
     * Expectation–maximisation over the distinct patterns (weighted by how often each occurs) until the prior
     * moves by less than 1e-9, or {@code maxIterations}.
     */
    public static Model estimate(List<int[]> patterns, int maxIterations) {
        long[] histogram = new long[1 << (2 * FIELDS)];
        for (int[] pattern : patterns) {
            histogram[pack(pattern)]++;
        }
        return estimate(histogram, maxIterations);
    }

    /**
     * u probabilities from random pairs of records, nearly all of them different people: how often each field agrees
     * or is close by chance. Estimating u this way, rather than by EM over all candidates, keeps EM from taking a
     * large group of non-matches that agree on the blocked fields (common when candidates are mostly non-matches, as
     * among millions of records) for the matches. Levels are smoothed so that one never seen still weighs finitely.
     */
    static double[][] nonMatchLevels(PersonRecord[] records, int leftSize) {
        int n = records.length;
        double[][] counts = new double[FIELDS][LEVELS];
        if (n >= 2 && (leftSize < 0 || (leftSize > 0 && leftSize < n))) {
            java.util.SplittableRandom random = new java.util.SplittableRandom(20_241_204L);
            int samples = (int) Math.min(RANDOM_PAIRS, (long) n * (n - 1) / 2);
            for (int s = 0; s < samples; s++) {
                int i;
                int j;
                if (leftSize < 0) {
                    i = random.nextInt(n);
                    j = random.nextInt(n - 1);
                    j = j >= i ? j + 1 : j;
                } else {
                    i = random.nextInt(leftSize);
                    j = leftSize + random.nextInt(n - leftSize);
                }
                int[] pattern = compare(records[i], records[j]);
                for (int k = 0; k < FIELDS; k++) {
                    if (pattern[k] >= 0) {
                        counts[k][pattern[k]]++;
                    }
                }
            }
        }
        double[][] u = new double[FIELDS][LEVELS];
        for (int k = 0; k < FIELDS; k++) {
            double total = counts[k][0] + counts[k][1] + counts[k][2];
            for (int level = 0; level < LEVELS; level++) {
                u[k][level] = (counts[k][level] + 0.5) / (total + 1.5);
            }
        }
        return u;
    }

    /**
     * The model of a whole linkage, estimated the way Splink does: u from random pairs ({@link #nonMatchLevels}); m
     * by EM within each blocking pass over all the pairs sharing its key, u held fixed and the fields the pass blocks
     * on left out (among a pass's pairs they agree whatever the truth, so they say nothing there about m, and the
     * other fields of its non-matches look like random pairs); each field's m the average over the passes that
     * estimate it, weighted by their expected matches; and the prior as the expected matches among all possible
     * pairs (each pair counted in the first pass that lists it), so that a pair is scored the same whichever pass
     * found it.
     */
    static Model estimate(Pairs pairs, double[][] u, long possiblePairs) {
        double[][] mSum = new double[FIELDS][LEVELS];
        double[] mWeight = new double[FIELDS];
        double expectedMatches = 0;
        int start = 0;
        for (int p = 0; p < BLOCKING.size(); p++) {
            int end = pairs.passEnds[p];
            int blockedMask = 0;
            for (int field : BLOCKED_FIELDS[p]) {
                blockedMask |= 3 << (2 * field);
            }
            // Every pair sharing this pass's key, also those listed under an earlier pass: the pairs listed here
            // alone are the ones the earlier passes missed, biased towards disagreeing on the earlier passes' fields.
            long[] histogram = new long[1 << (2 * FIELDS)];
            long sharing = 0;
            for (int i = 0; i < pairs.size; i++) {
                if ((pairs.shared[i] & (1 << p)) != 0) {
                    histogram[pairs.codes[i] & ~blockedMask]++;
                    sharing++;
                }
            }
            if (sharing > 0) {
                Model pass = estimate(histogram, EM_ITERATIONS, u, true);
                double matches = pass.prior() * sharing;
                expectedMatches += pass.prior() * (end - start);
                for (int k = 0; k < FIELDS; k++) {
                    if ((blockedMask & (3 << (2 * k))) == 0) {
                        for (int level = 0; level < LEVELS; level++) {
                            mSum[k][level] += matches * pass.m()[k][level];
                        }
                        mWeight[k] += matches;
                    }
                }
            }
            start = end;
        }
        double[][] m = new double[FIELDS][];
        for (int k = 0; k < FIELDS; k++) {
            m[k] = mWeight[k] > 0 ? new double[] {mSum[k][0] / mWeight[k], mSum[k][1] / mWeight[k],
                    mSum[k][2] / mWeight[k]} : new double[] {0.05, 0.15, 0.80};
        }
        double prior = Math.min(0.5, Math.max(1e-12, expectedMatches / Math.max(1, possiblePairs)));
        return new Model(prior, m, u);
    }

    private static Model estimate(long[] histogram, int maxIterations) {
        return estimate(histogram, maxIterations, null, false);
    }

    /** EM over a histogram of patterns; with {@code fixedU}, u stays as given and only m and the prior move. */
    private static Model estimate(long[] histogram, int maxIterations, double[][] givenU, boolean fixedU) {
        int distinct = 0;
        for (long count : histogram) {
            distinct += count > 0 ? 1 : 0;
        }
        int[][] patterns = new int[distinct][];
        double[] weights = new double[distinct];
        int next = 0;
        for (int code = 0; code < histogram.length; code++) {
            if (histogram[code] > 0) {
                patterns[next] = unpack(code);
                weights[next++] = histogram[code];
            }
        }
        double[][] m = new double[FIELDS][];
        double[][] u = new double[FIELDS][];
        for (int k = 0; k < FIELDS; k++) {
            m[k] = new double[] {0.05, 0.15, 0.80};
            u[k] = new double[] {0.80, 0.15, 0.05};
        }
        Model model = new Model(0.2, m, givenU != null ? givenU : u);
        for (int iteration = 0; iteration < maxIterations; iteration++) {
            double[][] mSum = new double[FIELDS][LEVELS];
            double[][] uSum = new double[FIELDS][LEVELS];
            double matchTotal = 0;
            double total = 0;
            for (int i = 0; i < patterns.length; i++) {
                int[] pattern = patterns[i];
                double weight = weights[i];
                double g = model.probability(pattern);
                matchTotal += weight * g;
                total += weight;
                for (int k = 0; k < FIELDS; k++) {
                    if (pattern[k] >= 0) {
                        mSum[k][pattern[k]] += weight * g;
                        uSum[k][pattern[k]] += weight * (1 - g);
                    }
                }
            }
            double prior = total == 0 ? 0.2 : Math.min(1 - FLOOR, Math.max(FLOOR, matchTotal / total));
            Model updated = new Model(prior, normalized(mSum), fixedU ? givenU : normalized(uSum));
            boolean converged = Math.abs(updated.prior() - model.prior()) < 1e-9;
            model = updated;
            if (converged) {
                break;
            }
        }
        return model;
    }

    private static double[][] normalized(double[][] sums) {
        double[][] probabilities = new double[sums.length][LEVELS];
        for (int k = 0; k < sums.length; k++) {
            double total = 0;
            for (double sum : sums[k]) {
                total += sum;
            }
            for (int level = 0; level < LEVELS; level++) {
                probabilities[k][level] = Math.max(FLOOR, total == 0 ? 1.0 / LEVELS : sums[k][level] / total);
            }
        }
        return probabilities;
    }

    /** Candidate pairs as record indexes (a &lt; b) with their packed patterns. */
    static final class Pairs {
        int[] a = new int[1024];
        int[] b = new int[1024];
        int[] codes = new int[1024];
        /** The blocking passes whose key the pair shares, one bit a pass (the pair is listed once, in the first). */
        int[] shared = new int[1024];
        int size;
        /** Where each blocking pass's pairs end. */
        int[] passEnds = new int[BLOCKING.size()];

        void add(int i, int j, int code, int sharedPasses) {
            if (size == a.length) {
                int capacity = Math.toIntExact(Math.min(Integer.MAX_VALUE - 8L, size * 2L));
                a = Arrays.copyOf(a, capacity);
                b = Arrays.copyOf(b, capacity);
                codes = Arrays.copyOf(codes, capacity);
                shared = Arrays.copyOf(shared, capacity);
            }
            a[size] = i;
            b[size] = j;
            shared[size] = sharedPasses;
            codes[size++] = code;
        }

        void addAll(Pairs other) {
            if (size + other.size > a.length) {
                int capacity = Math.max(size + other.size, a.length * 2);
                a = Arrays.copyOf(a, capacity);
                b = Arrays.copyOf(b, capacity);
                codes = Arrays.copyOf(codes, capacity);
                shared = Arrays.copyOf(shared, capacity);
            }
            System.arraycopy(other.shared, 0, shared, size, other.size);
            System.arraycopy(other.a, 0, a, size, other.size);
            System.arraycopy(other.b, 0, b, size, other.size);
            System.arraycopy(other.codes, 0, codes, size, other.size);
            size += other.size;
        }
    }

    /**
     * Pairs of records sharing a blocking key in any pass, each pair once (in the first pass that finds it, in the
     * block of the first key they share there), each compared; with {@code leftSize} &gt;= 0, only pairs across the
     * two lists.
     */
    static Pairs candidatePairs(PersonRecord[] records, int leftSize) {
        int n = records.length;
        int indexBits = Math.max(1, 32 - Integer.numberOfLeadingZeros(Math.max(1, n - 1)));
        long indexMask = (1L << indexBits) - 1;
        int passes = BLOCKING.size();
        // keys[p]: each record's keys in pass p, hashed with the index bits cleared; a key of a block that is unused
        // (alone, or larger than MAX_BLOCK) is cleared, so two records share a pass exactly when they share a key.
        PassKeys[] keys = new PassKeys[passes];
        long[][] sorted = new long[passes][];
        for (int p = 0; p < passes; p++) {
            PassKeys pass = PassKeys.of(records, BLOCKING.get(p), indexBits);
            // One entry (key | record index) per key of each record, sorted: a block is a run of one key.
            long[] order = pass.entries();
            Arrays.parallelSort(order);
            for (int start = 0; start < order.length; ) {
                int end = blockEnd(order, start, ~indexMask);
                if (end - start < 2 || end - start > MAX_BLOCK) {
                    for (int x = start; x < end; x++) {
                        pass.clear((int) (order[x] & indexMask), order[x] & ~indexMask);
                    }
                }
                start = end;
            }
            keys[p] = pass;
            sorted[p] = order;
        }

        String[][] addressForms = new String[n][];
        IntStream.range(0, n).parallel().forEach(i -> addressForms[i] = Comparators.addressForms(records[i].address1()));

        Pairs all = new Pairs();
        for (int p = 0; p < passes; p++) {
            long[] order = sorted[p];
            // Blocks cut into chunks of similar work for the parallel stream.
            List<int[]> chunks = new ArrayList<>();
            long work = 0;
            int chunkStart = 0;
            long target = Math.max(10_000, estimatedPairs(order, indexMask) / 64);
            for (int start = 0; start < order.length; ) {
                int end = blockEnd(order, start, ~indexMask);
                work += (long) (end - start) * (end - start - 1) / 2;
                start = end;
                if (work >= target || start == order.length) {
                    chunks.add(new int[] {chunkStart, start});
                    chunkStart = start;
                    work = 0;
                }
            }
            int currentPass = p;
            List<Pairs> found = chunks.parallelStream()
                    .map(chunk -> pairsInBlocks(records, addressForms, leftSize, keys, currentPass, order, chunk[0], chunk[1],
                            indexMask))
                    .toList();
            for (Pairs pairs : found) {
                all.addAll(pairs);
            }
            all.passEnds[p] = all.size;
        }
        return all;
    }

    private static long estimatedPairs(long[] order, long indexMask) {
        long pairs = 0;
        for (int start = 0; start < order.length; ) {
            int end = blockEnd(order, start, ~indexMask);
            pairs += (long) (end - start) * (end - start - 1) / 2;
            start = end;
        }
        return pairs;
    }

    private static Pairs pairsInBlocks(PersonRecord[] records, String[][] addressForms, int leftSize, PassKeys[] keys,
                                       int pass, long[] order, int from, int to, long indexMask) {
        Pairs pairs = new Pairs();
        PassKeys blockKeys = keys[pass];
        for (int start = from; start < to; ) {
            int end = blockEnd(order, start, ~indexMask);
            long blockKey = order[start] & ~indexMask;
            if (blockKeys.has((int) (order[start] & indexMask), blockKey)) {
                for (int x = start; x < end; x++) {
                    for (int y = x + 1; y < end; y++) {
                        int i = (int) (order[x] & indexMask);
                        int j = (int) (order[y] & indexMask);
                        if (leftSize >= 0 && (i < leftSize) == (j < leftSize)) {
                            continue;
                        }
                        // Listed once: in the first pass the two share a key, in the block of the first such key.
                        if (foundEarlier(keys, pass, i, j) || blockKeys.firstShared(i, j) != blockKey) {
                            continue;
                        }
                        int low = Math.min(i, j);
                        int high = Math.max(i, j);
                        int sharedPasses = 1 << pass;
                        for (int q = pass + 1; q < keys.length; q++) {
                            if (keys[q].firstShared(i, j) != 0) {
                                sharedPasses |= 1 << q;
                            }
                        }
                        pairs.add(low, high, code(records[low], addressForms[low], records[high], addressForms[high]),
                                sharedPasses);
                    }
                }
            }
            start = end;
        }
        return pairs;
    }

    private static boolean foundEarlier(PassKeys[] keys, int pass, int i, int j) {
        for (int q = 0; q < pass; q++) {
            if (keys[q].firstShared(i, j) != 0) {
                return true;
            }
        }
        return false;
    }

    /**
     * One blocking pass's keys per record, hashed with the index bits cleared; 0 for none (or for a key of an unused
     * block). Nearly every record has one key or none, kept in a flat array; the few with several (a Chinese name
     * with more than one reading) are marked {@link #SEVERAL} there and keep theirs in a map.
     */
    private static final class PassKeys {

        /** Never a key: keys have their index bits, this one's lowest among them, cleared. */
        private static final long SEVERAL = 1;

        private final long[] one;
        private final Map<Integer, long[]> several;

        private PassKeys(long[] one, Map<Integer, long[]> several) {
            this.one = one;
            this.several = several;
        }

        static PassKeys of(PersonRecord[] records, Function<PersonRecord, List<String>> pass, int indexBits) {
            long[][] hashes = new long[records.length][];
            IntStream.range(0, records.length).parallel()
                    .forEach(i -> hashes[i] = hashes(pass.apply(records[i]), indexBits));
            long[] one = new long[records.length];
            Map<Integer, long[]> several = new HashMap<>();
            for (int i = 0; i < records.length; i++) {
                if (hashes[i].length == 1) {
                    one[i] = hashes[i][0];
                } else if (hashes[i].length > 1) {
                    one[i] = SEVERAL;
                    several.put(i, hashes[i]);
                }
            }
            return new PassKeys(one, several);
        }

        /** The distinct hashes of a record's keys, with the index bits cleared (and never 0). */
        private static long[] hashes(List<String> keys, int indexBits) {
            long indexMask = (1L << indexBits) - 1;
            long[] hashes = new long[keys.size()];
            int distinct = 0;
            for (String key : keys) {
                long masked = hash(key) & ~indexMask;
                long hash = masked == 0 ? 1L << indexBits : masked;
                boolean seen = false;
                for (int k = 0; k < distinct; k++) {
                    seen |= hashes[k] == hash;
                }
                if (!seen) {
                    hashes[distinct++] = hash;
                }
            }
            return distinct == hashes.length ? hashes : Arrays.copyOf(hashes, distinct);
        }

        /** Every record's every key, ORed with the record's index. */
        long[] entries() {
            int count = 0;
            for (long key : one) {
                count += key != 0 && key != SEVERAL ? 1 : 0;
            }
            for (long[] keys : several.values()) {
                count += keys.length;
            }
            long[] entries = new long[count];
            int next = 0;
            for (int i = 0; i < one.length; i++) {
                if (one[i] == SEVERAL) {
                    for (long key : several.get(i)) {
                        entries[next++] = key | i;
                    }
                } else if (one[i] != 0) {
                    entries[next++] = one[i] | i;
                }
            }
            return entries;
        }

        /** Forgets the record's key of an unused block. */
        void clear(int record, long key) {
            if (one[record] == SEVERAL) {
                long[] keys = several.get(record);
                for (int k = 0; k < keys.length; k++) {
                    keys[k] = keys[k] == key ? 0 : keys[k];
                }
            } else if (one[record] == key) {
                one[record] = 0;
            }
        }

        boolean has(int record, long key) {
            if (one[record] != SEVERAL) {
                return one[record] != 0 && one[record] == key;
            }
            for (long own : several.get(record)) {
                if (own != 0 && own == key) {
                    return true;
                }
            }
            return false;
        }

        /** The smallest key both records have, or 0 when they share none. */
        long firstShared(int i, int j) {
            long a = one[i];
            long b = one[j];
            if (a != SEVERAL && b != SEVERAL) {
                return a == b ? a : 0;
            }
            long first = 0;
            for (long key : a == SEVERAL ? several.get(i) : new long[] {a}) {
                if (key != 0 && has(j, key) && (first == 0 || Long.compareUnsigned(key, first) < 0)) {
                    first = key;
                }
            }
            return first;
        }
    }

    private static int blockEnd(long[] order, int start, long keyMask) {
        long key = order[start] & keyMask;
        int end = start + 1;
        while (end < order.length && (order[end] & keyMask) == key) {
            end++;
        }
        return end;
    }

    /** 64-bit FNV-1a, finished with a mix so that the high bits (the ones kept) spread well. */
    private static long hash(String value) {
        long h = 0xcbf29ce484222325L;
        for (int i = 0; i < value.length(); i++) {
            h ^= value.charAt(i);
            h *= 0x100000001b3L;
        }
        h ^= h >>> 33;
        h *= 0xff51afd7ed558ccdL;
        h ^= h >>> 33;
        return h;
    }

    /**
     * A phone number's last eight digits: the same with or without a country or trunk prefix, selective among
     * millions. A fragment of fewer digits (a till that kept the last four) gives no key; the other passes find it.
     */
    static String phoneKey(String phone) {
        if (phone == null) {
            return null;
        }
        String digits = phone.replaceAll("\\D", "");
        return digits.length() < PHONE_KEY_DIGITS ? null : digits.substring(digits.length() - PHONE_KEY_DIGITS);
    }

    /** Given name and surname in either order, for records that swapped them. */
    private static List<String> sortedNames(PersonRecord r) {
        Set<String> keys = new LinkedHashSet<>();
        for (String given : nameForms(r.givenName())) {
            for (String surname : nameForms(r.surname())) {
                if (keys.size() < MAX_PASS_KEYS) {
                    keys.add(given.compareTo(surname) < 0 ? join(given, surname) : join(surname, given));
                }
            }
        }
        return List.copyOf(keys);
    }

    /**
     * How a name enters a blocking key. A name with a letter outside ASCII is written as its toneless pinyin, one
     * form per reading ({@code 王伟}, {@code Wáng Wěi} and {@code wangwei} all give {@code wangwei}; {@code 曾}
     * gives {@code zeng} and {@code ceng}), as the name comparator reads it; a plain ASCII name (Febrl's, a
     * western one) is kept as it is, so its keys are what they always were.
     */
    static List<String> nameForms(String name) {
        if (name == null) {
            return List.of();
        }
        if (!ChineseNames.hasNonAsciiLetter(name)) {
            return List.of(name);
        }
        List<String> forms = ChineseNames.readings(name).stream()
                .filter(reading -> !reading.isEmpty())
                .limit(MAX_NAME_FORMS)
                .toList();
        // Characters pinyin4j cannot read: the name as written is still a key.
        return forms.isEmpty() ? List.of(name) : forms;
    }

    /** Every {@code a|b}, at most {@link #MAX_PASS_KEYS}; none when either side has no value. */
    private static List<String> joinAll(List<String> as, List<String> bs) {
        Set<String> keys = new LinkedHashSet<>();
        for (String a : as) {
            for (String b : bs) {
                if (keys.size() < MAX_PASS_KEYS) {
                    keys.add(join(a, b));
                }
            }
        }
        return List.copyOf(keys);
    }

    private static List<String> prefixes(List<String> values, int length) {
        return values.stream().map(value -> value.substring(0, Math.min(length, value.length()))).distinct().toList();
    }

    private static List<String> one(String key) {
        return key == null ? List.of() : List.of(key);
    }

    private static String join(String a, String b) {
        return a == null || b == null ? null : a + "|" + b;
    }
}
