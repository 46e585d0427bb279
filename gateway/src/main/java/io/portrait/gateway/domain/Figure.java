package io.portrait.gateway.domain;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.SerializerProvider;
import com.fasterxml.jackson.databind.ser.std.StdSerializer;

import java.io.IOException;
import java.math.BigDecimal;
import java.math.MathContext;

/**
 * Writes a computed figure (a score, a probability, a model parameter, a mean) with at most
 * {@value #SIGNIFICANT_DIGITS} significant digits. The services compute in double precision, whose last digits are
 * noise of the binary arithmetic ({@code 0.9702989999999999} for 0.970299); a reader of the API gets the figure as
 * it is meant ({@code 0.970299}, {@code 0.002670627975}). Only for figures Portrait computes: values a customer's
 * events brought (prices, event properties, tag values) are written as they are.
 */
public final class Figure extends StdSerializer<Double> {

    public static final int SIGNIFICANT_DIGITS = 10;
    private static final MathContext ROUNDING = new MathContext(SIGNIFICANT_DIGITS);

    public Figure() {
        super(Double.class);
    }

    @Override
    public void serialize(Double value, JsonGenerator out, SerializerProvider provider) throws IOException {
        out.writeNumber(round(value));
    }

    /** The figure to {@value #SIGNIFICANT_DIGITS} significant digits; NaN and the infinities as they are. */
    public static double round(double value) {
        if (!Double.isFinite(value) || value == 0) {
            return value;
        }
        return new BigDecimal(value).round(ROUNDING).doubleValue();
    }
}
