package io.portrait.common.json;

import com.google.protobuf.ListValue;
import com.google.protobuf.NullValue;
import com.google.protobuf.Struct;
import com.google.protobuf.Value;

import java.math.BigInteger;
import java.util.List;
import java.util.Map;

/**
 * JSON read into plain Java values (maps, lists, numbers, text, booleans, null: what Jackson gives for
 * {@code Object}) as protobuf values, the same way wherever events come in (the REST API, an NDJSON import).
 *
 * <p>A whole number a double cannot hold exactly (beyond 2^53: a member card, an 18-digit order number, a snowflake
 * id) is kept as its digits in text: as doubles, 1234567890123456789 and 1234567890123456788 are one value, and two
 * orders would become one.
 */
public final class JsonValues {

    /** The largest whole number every smaller one of which a double holds exactly (2^53). */
    public static final double EXACT_INTEGER = 9_007_199_254_740_992d;

    private static final BigInteger EXACT_LIMIT = BigInteger.valueOf((long) EXACT_INTEGER);

    private JsonValues() {
    }

    public static Value value(Object json) {
        if (json == null) {
            return Value.newBuilder().setNullValue(NullValue.NULL_VALUE).build();
        }
        if (json instanceof String text) {
            return Value.newBuilder().setStringValue(text).build();
        }
        if (json instanceof Number number) {
            // Compared as integers: as a double, 2^53 + 1 reads as 2^53.
            if ((number instanceof Long || number instanceof BigInteger)
                    && new BigInteger(number.toString()).abs().compareTo(EXACT_LIMIT) > 0) {
                return Value.newBuilder().setStringValue(number.toString()).build();
            }
            return Value.newBuilder().setNumberValue(number.doubleValue()).build();
        }
        if (json instanceof Boolean bool) {
            return Value.newBuilder().setBoolValue(bool).build();
        }
        if (json instanceof Map<?, ?> map) {
            return Value.newBuilder().setStructValue(struct(map)).build();
        }
        if (json instanceof List<?> list) {
            ListValue.Builder values = ListValue.newBuilder();
            list.forEach(v -> values.addValues(value(v)));
            return Value.newBuilder().setListValue(values).build();
        }
        return Value.newBuilder().setStringValue(json.toString()).build();
    }

    public static Struct struct(Map<?, ?> map) {
        Struct.Builder struct = Struct.newBuilder();
        map.forEach((k, v) -> struct.putFields(String.valueOf(k), value(v)));
        return struct.build();
    }
}
