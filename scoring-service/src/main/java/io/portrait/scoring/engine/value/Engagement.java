package io.portrait.scoring.engine.value;

import java.time.LocalDate;
import java.time.temporal.ChronoUnit;
import java.util.Collection;

/**
 * Engagement with time decay: each purchase day counts 1 on the day and half as much every half-life after, so
 * recent activity outweighs old activity and a silent customer's engagement fades towards 0.
 */
public final class Engagement {

    private final double halfLifeDays;

    public Engagement(double halfLifeDays) {
        if (!(halfLifeDays > 0) || !Double.isFinite(halfLifeDays)) {
            throw new IllegalArgumentException("half-life must be positive, got " + halfLifeDays);
        }
        this.halfLifeDays = halfLifeDays;
    }

    /** The decayed count of purchase days as of {@code asOf}; days after it are ignored. */
    public double score(Collection<LocalDate> purchaseDays, LocalDate asOf) {
        double score = 0;
        for (LocalDate day : purchaseDays) {
            long age = ChronoUnit.DAYS.between(day, asOf);
            if (age >= 0) {
                score += Math.pow(0.5, age / halfLifeDays);
            }
        }
        return score;
    }
}
