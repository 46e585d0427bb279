package io.portrait.recommendation.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * A profile's affinity with each item: the sum of its interactions' weights, each halved for every half-life
 * of age, so that what a customer did last week outweighs what it did last year.
 *
 * <p>A store keeps that sum with single-document increments, without reading it first, on a fixed scale: each
 * weight is added {@linkplain #scaled grown} by the half-lives between {@link #SCALE_EPOCH} and its time, and the
 * sum is {@linkplain #unscaled brought back} to any moment by the half-lives since that epoch. Both are exact
 * (w·2^((t−E)/h)·2^(−(now−E)/h) = w·0.5^((now−t)/h)) as long as the exponent stays within a double's range.
 */
public final class Affinity {

    /** The origin of the stored scale. */
    public static final Instant SCALE_EPOCH = Instant.parse("2020-01-01T00:00:00Z");

    /** Half-lives from the epoch beyond which a scaled weight would leave a double's precise range. */
    private static final double MAX_HALF_LIVES = 900;

    private final double halfLifeMillis;

    public Affinity(Duration halfLife) {
        if (halfLife == null || halfLife.isZero() || halfLife.isNegative()) {
            throw new IllegalArgumentException("half-life must be positive, was " + halfLife);
        }
        this.halfLifeMillis = halfLife.toMillis();
    }

    /** Weight of an interaction of the given age: 1 when fresh (or in the future), one half after each half-life. */
    public double decay(Instant at, Instant now) {
        if (at == null || !at.isBefore(now)) {
            return 1.0;
        }
        return Math.pow(0.5, (now.toEpochMilli() - at.toEpochMilli()) / halfLifeMillis);
    }

    /** The name of this half-life's scale, usable as a document field name; sums of two scales never mix. */
    public String scaleName() {
        return "h" + (long) halfLifeMillis;
    }

    /** A weight at a time, on this half-life's scale; NaN beyond the scale's range (the sum is then not used). */
    public double scaled(double weight, Instant at) {
        double halfLives = (at.toEpochMilli() - SCALE_EPOCH.toEpochMilli()) / halfLifeMillis;
        return Math.abs(halfLives) > MAX_HALF_LIVES ? Double.NaN : weight * Math.pow(2, halfLives);
    }

    /** A sum of scaled weights, decayed to {@code now}: the sum of each weight halved for every half-life of age. */
    public double unscaled(double scaled, Instant now) {
        return scaled * Math.pow(0.5, (now.toEpochMilli() - SCALE_EPOCH.toEpochMilli()) / halfLifeMillis);
    }

    /** Folds interactions into one entry per item. */
    public Map<String, ProfileItem> of(Collection<Touch> touches, Instant now) {
        Map<String, ProfileItem> items = new HashMap<>();
        for (Touch touch : touches) {
            double value = touch.weight() * decay(touch.at(), now);
            items.merge(touch.sku(), new ProfileItem(touch.sku(), value, touch.purchase(), touch.at()),
                    (a, b) -> new ProfileItem(a.sku(), a.affinity() + b.affinity(), a.purchased() || b.purchased(),
                            latest(a.lastAt(), b.lastAt()), latest(a.lastPurchaseAt(), b.lastPurchaseAt())));
        }
        return items;
    }

    private static Instant latest(Instant a, Instant b) {
        if (a == null) {
            return b;
        }
        return b == null || a.isAfter(b) ? a : b;
    }
}
