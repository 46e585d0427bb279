package io.portrait.scoring.engine.clv;

/**
 * A customer's calibration history in the BG/NBD notation: {@code x} repeat purchases, the last at {@code tx}
 * and the observation ending at {@code t}, both measured from the first purchase in the model's time unit.
 * {@code meanValue} is the mean value of the {@code valuedRepeats} repeat purchases whose value is known (0 when
 * there are none): Gamma-Gamma reads those, BG/NBD the counts and times.
 */
public record RepeatHistory(int x, double tx, double t, double meanValue, int valuedRepeats) {

    public RepeatHistory {
        if (x < 0 || !(tx >= 0) || !(t >= tx) || !Double.isFinite(t) || !(meanValue >= 0) || !Double.isFinite(meanValue)) {
            throw new IllegalArgumentException("invalid history: x=" + x + ", tx=" + tx + ", T=" + t
                    + ", meanValue=" + meanValue);
        }
        if (x == 0 && tx != 0) {
            throw new IllegalArgumentException("tx must be 0 without repeat purchases, got " + tx);
        }
        if (valuedRepeats < 0 || valuedRepeats > x) {
            throw new IllegalArgumentException("valued repeat purchases must be between 0 and x=" + x + ", got "
                    + valuedRepeats);
        }
    }

    /** Every repeat purchase valued, at {@code meanValue} on average (0 for none of known value). */
    public RepeatHistory(int x, double tx, double t, double meanValue) {
        this(x, tx, t, meanValue, meanValue > 0 ? x : 0);
    }

    public RepeatHistory(int x, double tx, double t) {
        this(x, tx, t, 0);
    }

    /** Whether Gamma-Gamma can learn from it: repeat purchases of known, positive value. */
    public boolean hasValuedRepeats() {
        return valuedRepeats > 0 && meanValue > 0;
    }
}
