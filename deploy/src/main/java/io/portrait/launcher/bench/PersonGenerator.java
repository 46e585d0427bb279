package io.portrait.launcher.bench;

import io.portrait.identity.engine.linkage.PersonRecord;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.SplittableRandom;

/**
 * Synthetic person records with the errors real imports carry, and the truth: people are drawn with skewed name
 * frequencies (a few very common surnames, a long tail), and about a third of them get one to three more records
 * with typos, missing fields, nicknames, day and month swapped, digits transposed, given name and surname swapped,
 * abbreviated or glued street types, or a move to another address. Deterministic for a seed.
 *
 * <p>With phones ({@link #withPhones}), records also carry a mobile number written the ways people and systems
 * write it ({@code 0412 345 678}, {@code +61 412 345 678}, {@code 0412345678}), some shared by a household, and
 * the duplicates carry the errors phones get: missing, the last four digits only (a till), one digit wrong or two
 * transposed, or a new number. Phones come from a random stream of their own, so every other field is the same
 * as without them for the same seed.
 */
public final class PersonGenerator {

    private static final String[] GIVEN_NAMES = ("james john robert michael william david richard joseph thomas "
            + "charles christopher daniel matthew anthony mark donald steven paul andrew joshua kenneth kevin brian "
            + "george timothy ronald edward jason jeffrey ryan jacob gary nicholas eric jonathan stephen larry justin "
            + "scott brandon benjamin samuel gregory alexander patrick frank raymond jack dennis jerry tyler aaron "
            + "jose adam nathan henry zachary douglas peter kyle noah ethan jeremy walter christian keith roger terry "
            + "austin sean gerald carl harold dylan arthur lawrence jordan jesse bryan billy bruce gabriel joe logan "
            + "alan juan albert willie elijah wayne randy vincent mason roy ralph bobby russell bradley philip eugene "
            + "mary patricia jennifer linda elizabeth barbara susan jessica sarah karen lisa nancy betty sandra margaret "
            + "ashley kimberly emily donna michelle carol amanda melissa deborah stephanie dorothy rebecca sharon laura "
            + "cynthia amy kathleen angela shirley brenda emma anna pamela nicole samantha katherine christine helen "
            + "debra rachel carolyn janet maria catherine heather diane olivia julie joyce victoria ruby virginia "
            + "lauren kelly christina joan evelyn judith andrea hannah megan cheryl jacqueline martha madison teresa "
            + "gloria sara janice ann kathryn abigail sophia frances jean alice judy isabella julia grace amber denise "
            + "danielle marilyn beverly charlotte natalie theresa diana brittany doris kayla alexis lori marie "
            + "wei fang min jing li lei yan jun hui ying xin yu hong ping tao chen jie lin mei").split(" ");

    private static final String[][] NICKNAMES = {
            {"william", "bill"}, {"william", "will"}, {"robert", "bob"}, {"robert", "rob"}, {"richard", "rick"},
            {"james", "jim"}, {"john", "jack"}, {"michael", "mike"}, {"thomas", "tom"}, {"christopher", "chris"},
            {"daniel", "dan"}, {"matthew", "matt"}, {"anthony", "tony"}, {"joseph", "joe"}, {"david", "dave"},
            {"steven", "steve"}, {"edward", "ted"}, {"benjamin", "ben"}, {"samuel", "sam"}, {"alexander", "alex"},
            {"nicholas", "nick"}, {"jonathan", "jon"}, {"elizabeth", "liz"}, {"elizabeth", "beth"},
            {"margaret", "peggy"}, {"katherine", "kate"}, {"jennifer", "jenny"}, {"patricia", "trish"},
            {"susan", "sue"}, {"deborah", "deb"}, {"rebecca", "becky"}, {"jessica", "jess"}, {"victoria", "vicky"},
            {"christine", "chris"}, {"samantha", "sam"}, {"abigail", "abby"}, {"catherine", "cathy"},
            {"barbara", "barb"}, {"dorothy", "dot"}, {"kimberly", "kim"}, {"jacqueline", "jackie"},
            {"zachary", "zach"}, {"gregory", "greg"}, {"timothy", "tim"}, {"kenneth", "ken"}, {"gerald", "gerry"}};

    private static final String[] ONSETS = {"b", "br", "c", "ch", "d", "f", "g", "gr", "h", "j", "k", "l", "m", "mc",
            "n", "p", "r", "s", "sh", "st", "t", "th", "v", "w", "wh", "z"};
    private static final String[] VOWELS = {"a", "e", "i", "o", "u", "ai", "ea", "ou", "y", "ie"};
    private static final String[] CODAS = {"", "n", "r", "s", "t", "ll", "rd", "ng", "ck", "m", "x", "son", "ton",
            "ley", "man", "well", "ford", "ett"};
    private static final String[] STREET_TYPES = {"street", "road", "avenue", "place", "drive", "crescent", "court",
            "lane", "parade", "terrace"};
    private static final String[] STATES = {"nsw", "vic", "qld", "wa", "sa", "tas", "act", "nt"};

    private final SplittableRandom random;
    /** Null without phones; its own stream so that the other fields do not depend on whether phones are made. */
    private final SplittableRandom phoneRandom;
    private String lastPhone;
    private final String[] surnames;
    private final double[] surnameWeights;
    private final double[] givenWeights;
    private final String[] streets;
    private final String[] suburbs;
    private final String[] suburbPostcodes;
    private final String[] suburbStates;

    public PersonGenerator(long seed) {
        this(seed, false);
    }

    /** Records with phone numbers; every other field as {@code new PersonGenerator(seed)} makes it. */
    public static PersonGenerator withPhones(long seed) {
        return new PersonGenerator(seed, true);
    }

    private PersonGenerator(long seed, boolean phones) {
        random = new SplittableRandom(seed);
        phoneRandom = phones ? new SplittableRandom(seed ^ 0x70686f6e65L) : null;
        surnames = distinctWords(30_000, 2);
        surnameWeights = zipf(surnames.length, 10, 0.9);
        givenWeights = zipf(GIVEN_NAMES.length, 5, 1.0);
        streets = distinctWords(20_000, 2);
        suburbs = distinctWords(3_000, 2);
        suburbPostcodes = new String[suburbs.length];
        suburbStates = new String[suburbs.length];
        for (int i = 0; i < suburbs.length; i++) {
            suburbPostcodes[i] = String.format(Locale.ROOT, "%04d", 800 + random.nextInt(9000));
            suburbStates[i] = STATES[random.nextInt(STATES.length)];
        }
    }

    /** The generated records and, for each, the person it describes. */
    public record People(List<PersonRecord> records, int[] person) {

        /** How many pairs of records describe the same person. */
        public long truePairs() {
            long pairs = 0;
            int run = 1;
            for (int i = 1; i <= person.length; i++) {
                if (i < person.length && person[i] == person[i - 1]) {
                    run++;
                } else {
                    pairs += (long) run * (run - 1) / 2;
                    run = 1;
                }
            }
            return pairs;
        }
    }

    /** {@code count} records, ids {@code 0 .. count-1}; a person's records are consecutive. */
    public People generate(int count) {
        List<PersonRecord> records = new ArrayList<>(count);
        int[] person = new int[count];
        int people = 0;
        while (records.size() < count) {
            String[] original = person();
            int copies = random.nextDouble() < 0.35 ? 1 + random.nextInt(3) : 0;
            String phone = phoneRandom == null ? null : phone();
            for (int c = 0; c <= copies && records.size() < count; c++) {
                String[] fields = c == 0 ? original : corrupt(original);
                person[records.size()] = people;
                String written = phone == null ? null : written(c == 0 ? phone : corruptPhone(phone));
                records.add(new PersonRecord(Integer.toString(records.size()), fields[0], fields[1], fields[2],
                        fields[3], fields[4], fields[5], fields[6], fields[7], fields[8], fields[9], written));
            }
            people++;
        }
        return new People(records, person);
    }

    /** given, surname, street number, address 1, address 2, suburb, postcode, state, date of birth, id number. */
    private String[] person() {
        int suburb = random.nextInt(suburbs.length);
        String address2 = random.nextDouble() < 0.3 ? "unit " + (1 + random.nextInt(40)) : null;
        return new String[] {
                GIVEN_NAMES[pick(givenWeights)],
                surnames[pick(surnameWeights)],
                Integer.toString(1 + random.nextInt(300)),
                streets[random.nextInt(streets.length)] + " " + STREET_TYPES[random.nextInt(STREET_TYPES.length)],
                address2,
                suburbs[suburb],
                suburbPostcodes[suburb],
                suburbStates[suburb],
                String.format(Locale.ROOT, "%04d%02d%02d", 1930 + random.nextInt(80), 1 + random.nextInt(12),
                        1 + random.nextInt(28)),
                random.nextDouble() < 0.8 ? Integer.toString(1_000_000 + random.nextInt(9_000_000)) : null};
    }

    private String[] corrupt(String[] original) {
        String[] f = original.clone();
        if (random.nextDouble() < 0.1) {
            // Moved: a whole new address.
            String[] moved = person();
            System.arraycopy(moved, 2, f, 2, 6);
        }
        if (random.nextDouble() < 0.1) {
            f[0] = nickname(f[0]);
        }
        if (random.nextDouble() < 0.03) {
            String given = f[0];
            f[0] = f[1];
            f[1] = given;
        }
        for (int k : new int[] {0, 1, 3, 5}) {
            if (f[k] != null && random.nextDouble() < 0.12) {
                f[k] = typo(f[k]);
            }
        }
        if (random.nextDouble() < 0.15) {
            f[3] = f[3] == null ? null : restyle(f[3]);
        }
        if (random.nextDouble() < 0.08) {
            f[8] = dateError(f[8]);
        }
        if (f[6] != null && random.nextDouble() < 0.05) {
            f[6] = typo(f[6]);
        }
        if (f[9] != null && random.nextDouble() < 0.05) {
            f[9] = typo(f[9]);
        }
        for (int k = 0; k < f.length; k++) {
            if (f[k] != null && random.nextDouble() < (k == 9 ? 0.2 : 0.05)) {
                f[k] = null;
            }
        }
        return f;
    }

    /**
     * A person's mobile number as ten digits ({@code 04} and eight more), or null for the fifth who give none; one
     * in forty shares the previous person's (a household number).
     */
    private String phone() {
        if (phoneRandom.nextDouble() < 0.2) {
            return null;
        }
        if (lastPhone != null && phoneRandom.nextDouble() < 0.025) {
            return lastPhone;
        }
        lastPhone = String.format(Locale.ROOT, "04%08d", phoneRandom.nextInt(100_000_000));
        return lastPhone;
    }

    /**
     * A duplicate's phone: missing (a quarter), the last four digits only (a till, 8%), one digit wrong or two
     * transposed (4%), another number (5%), else the same.
     */
    private String corruptPhone(String phone) {
        double x = phoneRandom.nextDouble();
        if (x < 0.25) {
            return null;
        }
        if (x < 0.33) {
            return phone.substring(phone.length() - 4);
        }
        if (x < 0.37) {
            StringBuilder s = new StringBuilder(phone);
            int at = 2 + phoneRandom.nextInt(phone.length() - 3);
            if (phoneRandom.nextBoolean()) {
                char c = s.charAt(at);
                s.setCharAt(at, s.charAt(at + 1));
                s.setCharAt(at + 1, c);
            } else {
                s.setCharAt(at, (char) ('0' + (s.charAt(at) - '0' + 1 + phoneRandom.nextInt(9)) % 10));
            }
            return s.toString();
        }
        if (x < 0.42) {
            return String.format(Locale.ROOT, "04%08d", phoneRandom.nextInt(100_000_000));
        }
        return phone;
    }

    /** A number as written: {@code 0412 345 678}, {@code +61 412 345 678} or {@code 0412345678}; fragments as kept. */
    private String written(String phone) {
        if (phone == null || phone.length() < 10) {
            return phone;
        }
        return switch (phoneRandom.nextInt(3)) {
            case 0 -> phone.substring(0, 4) + " " + phone.substring(4, 7) + " " + phone.substring(7);
            case 1 -> "+61 " + phone.substring(1, 4) + " " + phone.substring(4, 7) + " " + phone.substring(7);
            default -> phone;
        };
    }

    private String nickname(String given) {
        for (String[] pair : NICKNAMES) {
            if (pair[0].equals(given) && random.nextBoolean()) {
                return pair[1];
            }
        }
        return given;
    }

    /** A substituted, inserted, deleted or transposed letter (or digit). */
    private String typo(String value) {
        if (value.length() < 2) {
            return value;
        }
        StringBuilder s = new StringBuilder(value);
        int at = random.nextInt(value.length());
        char replacement = Character.isDigit(value.charAt(at)) ? (char) ('0' + random.nextInt(10))
                : (char) ('a' + random.nextInt(26));
        switch (random.nextInt(4)) {
            case 0 -> s.setCharAt(at, replacement);
            case 1 -> s.insert(at, replacement);
            case 2 -> s.deleteCharAt(at);
            default -> {
                int next = Math.min(at + 1, value.length() - 1);
                char c = s.charAt(at);
                s.setCharAt(at, s.charAt(next));
                s.setCharAt(next, c);
            }
        }
        return s.toString();
    }

    /** "kent street" as "kent st" or "kentstreet". */
    private String restyle(String address) {
        int space = address.lastIndexOf(' ');
        if (space < 0) {
            return address;
        }
        String type = address.substring(space + 1);
        if (random.nextBoolean()) {
            return address.substring(0, space) + type;
        }
        String abbreviation = switch (type) {
            case "street" -> "st";
            case "road" -> "rd";
            case "avenue" -> "ave";
            case "place" -> "pl";
            case "drive" -> "dr";
            case "crescent" -> "cres";
            case "court" -> "ct";
            case "lane" -> "ln";
            case "parade" -> "pde";
            default -> "tce";
        };
        return address.substring(0, space + 1) + abbreviation;
    }

    /** Day and month swapped, or two adjacent digits transposed, or one digit wrong. */
    private String dateError(String date) {
        int kind = random.nextInt(3);
        if (kind == 0 && Integer.parseInt(date.substring(6, 8)) <= 12) {
            return date.substring(0, 4) + date.substring(6, 8) + date.substring(4, 6);
        }
        StringBuilder s = new StringBuilder(date);
        int at = 2 + random.nextInt(5);
        if (kind == 1) {
            char c = s.charAt(at);
            s.setCharAt(at, s.charAt(at + 1));
            s.setCharAt(at + 1, c);
        } else {
            s.setCharAt(at + 1, (char) ('0' + random.nextInt(10)));
        }
        return s.toString();
    }

    private int pick(double[] cumulative) {
        double x = random.nextDouble() * cumulative[cumulative.length - 1];
        int index = java.util.Arrays.binarySearch(cumulative, x);
        return index >= 0 ? index : Math.min(cumulative.length - 1, -index - 1);
    }

    /** Cumulative weights 1 / (rank + offset)^exponent: a few very common values and a long tail. */
    private static double[] zipf(int size, int offset, double exponent) {
        double[] cumulative = new double[size];
        double total = 0;
        for (int r = 0; r < size; r++) {
            total += Math.pow(r + 1 + offset, -exponent);
            cumulative[r] = total;
        }
        return cumulative;
    }

    private String[] distinctWords(int count, int syllables) {
        java.util.Set<String> words = new java.util.LinkedHashSet<>();
        while (words.size() < count) {
            StringBuilder word = new StringBuilder();
            int parts = syllables + random.nextInt(2);
            for (int s = 0; s < parts; s++) {
                word.append(ONSETS[random.nextInt(ONSETS.length)]).append(VOWELS[random.nextInt(VOWELS.length)]);
            }
            word.append(CODAS[random.nextInt(CODAS.length)]);
            words.add(word.toString());
        }
        return words.toArray(String[]::new);
    }
}
