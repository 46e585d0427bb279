package io.portrait.recommendation.engine;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.HashMap;
import java.util.Map;

/**
 * A profile's affinity with each item: the sum of its interactions' weights, each halved for every half-life
 * of age, so that what a customer did last week outweighs what it did last year.
 */
public final class Affinity {

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

    /** Folds interactions into one entry per item. */
    public Map<String, ProfileItem> of(Collection<Touch> touches, Instant now) {
        Map<String, ProfileItem> items = new HashMap<>();
        for (Touch touch : touches) {
            double value = touch.weight() * decay(touch.at(), now);
            items.merge(touch.sku(), new ProfileItem(touch.sku(), value, touch.purchase(), touch.at()),
                    (a, b) -> new ProfileItem(a.sku(), a.affinity() + b.affinity(), a.purchased() || b.purchased(),
                            latest(a.lastAt(), b.lastAt())));
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
