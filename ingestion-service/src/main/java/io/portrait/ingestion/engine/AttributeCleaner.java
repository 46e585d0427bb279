package io.portrait.ingestion.engine;

import com.google.protobuf.ListValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;
import io.portrait.common.money.WorkspaceCurrencies;
import io.portrait.proto.ingestion.v1.FieldError;

import java.math.BigDecimal;
import java.time.DateTimeException;
import java.time.LocalDate;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.format.DateTimeParseException;
import java.time.format.ResolverStyle;
import java.util.Currency;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Cleans the free-form parts of an event, traits and properties, so every sink reads one form: empty strings are
 * missing values, texts are trimmed with inner runs of spaces made one, gender is
 * {@code male | female | other | unknown}, a birthday is an ISO date, an age a whole number, amounts are exact decimals (as text, so no binary rounding creeps in) with an ISO 4217 currency, and
 * quantities are whole numbers. A value that cannot be read is an error naming its path, never a silent guess.
 */
public final class AttributeCleaner {

    private static final Pattern HORIZONTAL_SPACE = Pattern.compile("[ \\t\\u00A0\\u3000]{2,}|[\\t\\u00A0\\u3000]");

    /** Property names that hold money, at the top level of properties and on product lines. */
    public static final Set<String> AMOUNTS = Set.of(
            "revenue", "total", "subtotal", "tax", "shipping", "discount", "value", "price", "amount");

    private static final Map<String, String> GENDERS = Map.ofEntries(
            Map.entry("男", "male"), Map.entry("男性", "male"), Map.entry("先生", "male"), Map.entry("m", "male"),
            Map.entry("male", "male"), Map.entry("man", "male"), Map.entry("1", "male"),
            Map.entry("女", "female"), Map.entry("女性", "female"), Map.entry("女士", "female"), Map.entry("f", "female"),
            Map.entry("female", "female"), Map.entry("woman", "female"), Map.entry("2", "female"),
            Map.entry("other", "other"), Map.entry("x", "other"), Map.entry("non-binary", "other"),
            Map.entry("其他", "other"),
            Map.entry("unknown", "unknown"), Map.entry("u", "unknown"), Map.entry("0", "unknown"),
            Map.entry("未知", "unknown"), Map.entry("保密", "unknown"));
    private static final Map<String, String> CURRENCY_ALIASES = Map.of(
            "RMB", "CNY", "元", "CNY", "人民币", "CNY", "¥", "CNY", "￥", "CNY", "$", "USD", "€", "EUR", "£", "GBP");
    private static final Pattern CURRENCY_MARK = Pattern.compile("[¥￥$€£元]|RMB|CNY|USD|EUR|GBP");
    /**
     * Signs several currencies write their amounts with: an amount written with one agrees with any of them, and
     * without a named currency it is the workspace's when that is one of them, else the first (the usual reading).
     */
    private static final Map<String, List<String>> SHARED_SIGNS = Map.of(
            "$", List.of("USD", "HKD", "SGD", "AUD", "CAD", "NZD", "TWD", "MXN"),
            "¥", List.of("CNY", "JPY"), "￥", List.of("CNY", "JPY"));
    /** Digits with an optional sign and decimals; a comma only between groups of three digits (1,299.00). */
    private static final Pattern PLAIN_AMOUNT = Pattern.compile("[+-]?(\\d{1,3}(,\\d{3})+|\\d+)(\\.\\d+)?");
    private static final Pattern AGE = Pattern.compile("^(\\d{1,3})\\s*(岁|周岁|years?)?$");
    private static final Pattern CHINESE_DATE = Pattern.compile("^(\\d{4})年(\\d{1,2})月(\\d{1,2})日?$");
    private static final List<DateTimeFormatter> DATES = List.of(
            DateTimeFormatter.ofPattern("uuuu-M-d").withResolverStyle(ResolverStyle.STRICT),
            DateTimeFormatter.ofPattern("uuuu/M/d").withResolverStyle(ResolverStyle.STRICT),
            DateTimeFormatter.ofPattern("uuuu.M.d").withResolverStyle(ResolverStyle.STRICT),
            DateTimeFormatter.ofPattern("uuuuMMdd").withResolverStyle(ResolverStyle.STRICT));
    private static final LocalDate OLDEST_BIRTHDAY = LocalDate.of(1900, 1, 1);
    private static final int MAX_AGE = 130;

    private final WorkspaceCurrencies currencies;

    /** Every workspace's amounts without a currency get {@code defaultCurrency}. */
    public AttributeCleaner(String defaultCurrency) {
        this(new WorkspaceCurrencies("portrait.ingestion", defaultCurrency, Map.of()));
    }

    public AttributeCleaner(WorkspaceCurrencies currencies) {
        this.currencies = currencies;
    }

    /** Clean traits; {@code today} bounds birthdays (none in the future). */
    public Struct traits(Struct traits, LocalDate today, List<FieldError> errors) {
        Struct.Builder cleaned = tidyStrings(traits).toBuilder();
        Value gender = cleaned.getFieldsMap().get("gender");
        if (gender != null) {
            gender(gender).ifPresentOrElse(g -> cleaned.putFields("gender", text(g)),
                    () -> errors.add(error("traits.gender", "invalid_value",
                            "gender must be male/female (男/女, M/F, 1/2, ...), other or unknown")));
        }
        Value birthday = cleaned.getFieldsMap().get("birthday");
        if (birthday != null) {
            birthday(birthday, today).ifPresentOrElse(b -> cleaned.putFields("birthday", text(b.toString())),
                    () -> errors.add(error("traits.birthday", "invalid_value",
                            "birthday must be a past date such as 1990-04-01, 1990/4/1, 19900401 or 1990年4月1日")));
        }
        Value age = cleaned.getFieldsMap().get("age");
        if (age != null) {
            age(age).ifPresentOrElse(a -> cleaned.putFields("age", Value.newBuilder().setNumberValue(a).build()),
                    () -> errors.add(error("traits.age", "invalid_value",
                            "age must be a whole number of years from 0 to " + MAX_AGE)));
        }
        return cleaned.build();
    }

    /**
     * Clean properties: amounts become decimal text, product quantities whole numbers, and an event that carries
     * an amount always names its currency (the configured default when it did not).
     */
    public Struct properties(Struct properties, List<FieldError> errors) {
        return properties(properties, "", errors);
    }

    /** Clean an event's properties; amounts without a currency get the {@code workspace}'s. */
    public Struct properties(Struct properties, String workspace, List<FieldError> errors) {
        Struct.Builder cleaned = tidyStrings(properties).toBuilder();
        // The currency each amount written with one names, by field: it must agree with the event's currency.
        Map<String, String> marks = new java.util.LinkedHashMap<>();
        boolean hasAmount = amounts(cleaned, "properties", errors, marks);
        Value products = cleaned.getFieldsMap().get("products");
        if (products != null) {
            if (!products.hasListValue()) {
                errors.add(error("properties.products", "invalid_type", "products must be a list of product lines"));
            } else {
                ListValue.Builder lines = ListValue.newBuilder();
                List<Value> sent = products.getListValue().getValuesList();
                for (int i = 0; i < sent.size(); i++) {
                    String path = "properties.products[" + i + "]";
                    if (!sent.get(i).hasStructValue()) {
                        errors.add(error(path, "invalid_type", "a product line must be an object"));
                        continue;
                    }
                    Struct.Builder line = sent.get(i).getStructValue().toBuilder();
                    hasAmount |= amounts(line, path, errors, marks);
                    Value quantity = line.getFieldsMap().get("quantity");
                    if (quantity != null) {
                        quantity(quantity).ifPresentOrElse(
                                q -> line.putFields("quantity", Value.newBuilder().setNumberValue(q).build()),
                                () -> errors.add(error(path + ".quantity", "invalid_value",
                                        "quantity must be a whole number above 0")));
                    }
                    lines.addValues(Value.newBuilder().setStructValue(line));
                }
                cleaned.putFields("products", Value.newBuilder().setListValue(lines).build());
            }
        }
        Value currency = cleaned.getFieldsMap().get("currency");
        Optional<String> named = Optional.empty();
        if (currency != null) {
            named = currency(currency);
            named.ifPresentOrElse(c -> cleaned.putFields("currency", text(c)),
                    () -> errors.add(error("properties.currency", "invalid_value",
                            "currency must be an ISO 4217 code such as CNY or USD")));
        } else if (hasAmount) {
            // No currency named: the one the amounts' marks agree on (the workspace's among them when they allow
            // it), else the workspace's.
            named = Optional.of(agreedCurrency(marks.values(), currencies.of(workspace)));
            cleaned.putFields("currency", text(named.get()));
        }
        if (named.isPresent()) {
            String eventCurrency = named.get();
            marks.forEach((field, mark) -> {
                if (!currenciesOf(mark).contains(eventCurrency)) {
                    errors.add(error(field, "currency_mismatch", "the amount is written in " + mark
                            + " but the event's currency is " + eventCurrency));
                }
            });
        }
        return cleaned.build();
    }

    /**
     * The currency mark of an amount written as text ({@code "¥88"}, {@code "USD 12"}), if any: an ISO code, or a
     * sign several currencies share ({@code $}, {@code ¥}).
     */
    static Optional<String> currencyMark(Value value) {
        if (!value.hasStringValue()) {
            return Optional.empty();
        }
        Matcher mark = CURRENCY_MARK.matcher(value.getStringValue().toUpperCase(Locale.ROOT));
        if (!mark.find()) {
            return Optional.empty();
        }
        String found = mark.group().equals("￥") ? "¥" : mark.group();
        return Optional.of(SHARED_SIGNS.containsKey(found) ? found : CURRENCY_ALIASES.getOrDefault(found, found));
    }

    /** The currencies a mark can stand for. */
    private static List<String> currenciesOf(String mark) {
        return SHARED_SIGNS.getOrDefault(mark, List.of(mark));
    }

    /**
     * The currency every mark allows, preferring the workspace's, then the first mark's usual reading; the
     * workspace's when the marks allow none in common (each disagreeing one is then refused).
     */
    static String agreedCurrency(java.util.Collection<String> marks, String workspaceCurrency) {
        if (marks.isEmpty()) {
            return workspaceCurrency;
        }
        List<String> common = new java.util.ArrayList<>(currenciesOf(marks.iterator().next()));
        marks.forEach(mark -> common.retainAll(currenciesOf(mark)));
        if (common.isEmpty() || common.contains(workspaceCurrency)) {
            return workspaceCurrency;
        }
        return common.get(0);
    }

    /** Rewrites the amounts found directly in {@code fields}; true when there was at least one. */
    private static boolean amounts(Struct.Builder fields, String path, List<FieldError> errors,
                                   Map<String, String> marks) {
        boolean found = false;
        for (Map.Entry<String, Value> field : Map.copyOf(fields.getFieldsMap()).entrySet()) {
            if (!AMOUNTS.contains(field.getKey())) {
                continue;
            }
            found = true;
            currencyMark(field.getValue()).ifPresent(mark -> marks.put(path + "." + field.getKey(), mark));
            Optional<BigDecimal> amount = decimal(field.getValue());
            if (amount.isPresent()) {
                fields.putFields(field.getKey(), text(amount.get().toPlainString()));
            } else {
                errors.add(error(path + "." + field.getKey(), "invalid_value",
                        field.getKey() + " must be a decimal amount such as 12.50"));
            }
        }
        return found;
    }

    public static Optional<String> gender(Value value) {
        String key = switch (value.getKindCase()) {
            case STRING_VALUE -> value.getStringValue().strip().toLowerCase(Locale.ROOT);
            case NUMBER_VALUE -> value.getNumberValue() == Math.rint(value.getNumberValue())
                    ? String.valueOf((long) value.getNumberValue()) : "";
            default -> "";
        };
        return Optional.ofNullable(GENDERS.get(key));
    }

    public static Optional<LocalDate> birthday(Value value, LocalDate today) {
        if (!value.hasStringValue() && !value.hasNumberValue()) {
            return Optional.empty();
        }
        String text = value.hasStringValue() ? value.getStringValue().strip()
                : String.valueOf((long) value.getNumberValue());
        LocalDate date = parseDate(text);
        if (date == null || date.isBefore(OLDEST_BIRTHDAY) || date.isAfter(today)) {
            return Optional.empty();
        }
        return Optional.of(date);
    }

    private static LocalDate parseDate(String text) {
        Matcher chinese = CHINESE_DATE.matcher(text);
        if (chinese.matches()) {
            try {
                return LocalDate.of(Integer.parseInt(chinese.group(1)), Integer.parseInt(chinese.group(2)),
                        Integer.parseInt(chinese.group(3)));
            } catch (DateTimeException e) {
                return null;
            }
        }
        for (DateTimeFormatter format : DATES) {
            try {
                return LocalDate.parse(text, format);
            } catch (DateTimeParseException e) {
                // try the next format
            }
        }
        try {
            // A full timestamp: the calendar date it names (a birthday is a date, the offset only says where).
            return java.time.OffsetDateTime.parse(text).toLocalDate();
        } catch (DateTimeParseException e) {
            return null;
        }
    }

    public static Optional<Integer> age(Value value) {
        if (value.hasNumberValue()) {
            double age = value.getNumberValue();
            return age == Math.rint(age) && age >= 0 && age <= MAX_AGE ? Optional.of((int) age) : Optional.empty();
        }
        if (value.hasStringValue()) {
            Matcher age = AGE.matcher(value.getStringValue().strip().toLowerCase(Locale.ROOT));
            if (age.matches() && Integer.parseInt(age.group(1)) <= MAX_AGE) {
                return Optional.of(Integer.parseInt(age.group(1)));
            }
        }
        return Optional.empty();
    }

    /** A JSON number or an amount written as text ({@code "1,299.00"}, {@code "¥88"}) as an exact decimal. */
    public static Optional<BigDecimal> decimal(Value value) {
        if (value.hasNumberValue()) {
            double number = value.getNumberValue();
            if (!Double.isFinite(number)) {
                return Optional.empty();
            }
            // The shortest decimal that reads back as the same double: 19.99, not 19.989999...
            BigDecimal decimal = BigDecimal.valueOf(number).stripTrailingZeros();
            return Optional.of(decimal.scale() < 0 ? decimal.setScale(0) : decimal);
        }
        if (value.hasStringValue()) {
            // A comma is read only as a thousands separator: "12,50" (a decimal comma?) or "1.299,00" is refused,
            // never guessed.
            String text = CURRENCY_MARK.matcher(value.getStringValue().toUpperCase(Locale.ROOT)).replaceAll("")
                    .replaceAll("\\s", "");
            if (!PLAIN_AMOUNT.matcher(text).matches()) {
                return Optional.empty();
            }
            return Optional.of(new BigDecimal(text.replace(",", "")));
        }
        return Optional.empty();
    }

    public static Optional<Integer> quantity(Value value) {
        Optional<BigDecimal> number = decimal(value);
        if (number.isEmpty() || number.get().signum() <= 0) {
            return Optional.empty();
        }
        try {
            return Optional.of(number.get().intValueExact());
        } catch (ArithmeticException e) {
            return Optional.empty();
        }
    }

    public static Optional<String> currency(Value value) {
        if (!value.hasStringValue()) {
            return Optional.empty();
        }
        String code = value.getStringValue().strip().toUpperCase(Locale.ROOT);
        code = CURRENCY_ALIASES.getOrDefault(code, code);
        try {
            return Optional.of(Currency.getInstance(code).getCurrencyCode());
        } catch (IllegalArgumentException e) {
            return Optional.empty();
        }
    }

    /** A copy without blank strings anywhere inside: a blank is a value nobody sent. */
    static Struct tidyStrings(Struct struct) {
        Struct.Builder cleaned = Struct.newBuilder();
        struct.getFieldsMap().forEach((key, value) -> {
            Value kept = tidyStrings(value);
            if (kept != null) {
                cleaned.putFields(key, kept);
            }
        });
        return cleaned.build();
    }

    private static Value tidyStrings(Value value) {
        return switch (value.getKindCase()) {
            case STRING_VALUE -> value.getStringValue().isBlank() ? null : text(tidy(value.getStringValue()));
            case STRUCT_VALUE -> Value.newBuilder().setStructValue(tidyStrings(value.getStructValue())).build();
            case LIST_VALUE -> {
                ListValue.Builder list = ListValue.newBuilder();
                for (Value item : value.getListValue().getValuesList()) {
                    Value kept = tidyStrings(item);
                    if (kept != null) {
                        list.addValues(kept);
                    }
                }
                yield Value.newBuilder().setListValue(list).build();
            }
            default -> value;
        };
    }

    /**
     * A text as it was meant: without surrounding white space and with runs of spaces and tabs inside made one space
     * ({@code "HAND OVER THE CHOCOLATE   SIGN "} is {@code "HAND OVER THE CHOCOLATE SIGN"}); line breaks are kept.
     */
    static String tidy(String text) {
        return HORIZONTAL_SPACE.matcher(text.strip()).replaceAll(" ");
    }

    private static Value text(String text) {
        return Value.newBuilder().setStringValue(text).build();
    }

    private static FieldError error(String field, String code, String message) {
        return FieldError.newBuilder().setField(field).setCode(code).setMessage(message).build();
    }
}
