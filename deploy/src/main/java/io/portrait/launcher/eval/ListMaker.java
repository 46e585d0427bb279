package io.portrait.launcher.eval;

import java.util.List;

/** One recommender under evaluation: a ranked list for a customer of the split. */
interface ListMaker {

    String name();

    /**
     * @param newOnly leave out what the customer bought in the training period
     */
    List<String> top(long customer, int k, boolean newOnly);
}
