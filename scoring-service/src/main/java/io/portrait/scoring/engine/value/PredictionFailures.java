package io.portrait.scoring.engine.value;

import java.util.Locale;

/**
 * The customers of a run the fitted models could not predict (scored without CLV): how many of the customers
 * with a purchase day, and the first of them with the reason, for the operator's log. The stored {@link #note()}
 * gives the count and reason without the profile id, so a version's note never keeps an id an erasure removed.
 *
 * @param count           customers without a prediction, 0 when every customer was predicted
 * @param customers       customers with a purchase day the run tried to predict
 * @param sampleProfileId the first of them, null when there is none
 * @param sampleReason    why that one was not predicted, null when there is none
 */
public record PredictionFailures(int count, int customers, String sampleProfileId, String sampleReason) {

    public static final PredictionFailures NONE = new PredictionFailures(0, 0, null, null);

    /** What a model version says of them; null when there is none. */
    public String note() {
        return count == 0 ? null : String.format(Locale.ROOT,
                "%,d of %,d customers scored without CLV: the fitted models could not predict them (first: %s)",
                count, customers, sampleReason);
    }
}
