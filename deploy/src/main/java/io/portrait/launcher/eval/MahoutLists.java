package io.portrait.launcher.eval;

import org.apache.mahout.cf.taste.common.TasteException;
import org.apache.mahout.cf.taste.impl.common.FastByIDMap;
import org.apache.mahout.cf.taste.impl.common.FastIDSet;
import org.apache.mahout.cf.taste.impl.model.GenericBooleanPrefDataModel;
import org.apache.mahout.cf.taste.impl.recommender.AllSimilarItemsCandidateItemsStrategy;
import org.apache.mahout.cf.taste.impl.recommender.GenericBooleanPrefItemBasedRecommender;
import org.apache.mahout.cf.taste.impl.similarity.GenericItemSimilarity;
import org.apache.mahout.cf.taste.impl.similarity.LogLikelihoodSimilarity;
import org.apache.mahout.cf.taste.recommender.RecommendedItem;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeSet;

/**
 * Apache Mahout's item-based recommender (Taste API, 0.13.0) on the same purchases: boolean preferences, log-likelihood
 * similarity, and the sum of similarities as the score. As Mahout's own ItemSimilarityJob does, the similarities
 * are computed for the item pairs some customer bought together and the {@value #SIMILAR_PER_ITEM} most similar
 * items are kept per item; candidates are the items similar to the customer's items.
 */
final class MahoutLists implements ListMaker {

    /** ItemSimilarityJob's default maxSimilaritiesPerItem. */
    static final int SIMILAR_PER_ITEM = 100;

    private final String[] skus;
    private final Map<String, Long> ids = new HashMap<>();
    private final GenericBooleanPrefItemBasedRecommender recommender;

    MahoutLists(EvalSplit split) {
        skus = new TreeSet<>(split.catalog()).toArray(String[]::new);
        for (int i = 0; i < skus.length; i++) {
            ids.put(skus[i], (long) i);
        }
        FastByIDMap<FastIDSet> users = new FastByIDMap<>();
        split.training().keySet().forEach(customer -> {
            FastIDSet items = new FastIDSet();
            split.bought(customer).forEach(sku -> items.add(ids.get(sku)));
            users.put(customer, items);
        });
        GenericBooleanPrefDataModel data = new GenericBooleanPrefDataModel(users);
        try {
            GenericItemSimilarity similarity = new GenericItemSimilarity(topSimilarities(data));
            AllSimilarItemsCandidateItemsStrategy candidates = new AllSimilarItemsCandidateItemsStrategy(similarity);
            recommender = new GenericBooleanPrefItemBasedRecommender(data, similarity, candidates, candidates);
        } catch (TasteException e) {
            throw new IllegalStateException("Mahout could not build its model: " + e.getMessage(), e);
        }
    }

    @Override
    public String name() {
        return "mahout";
    }

    @Override
    public List<String> top(long customer, int k, boolean newOnly) {
        try {
            List<RecommendedItem> items = recommender.recommend(customer, k, null, !newOnly);
            List<String> top = new ArrayList<>(items.size());
            items.forEach(item -> top.add(skus[(int) item.getItemID()]));
            return top;
        } catch (TasteException e) {
            throw new IllegalStateException("Mahout could not recommend: " + e.getMessage(), e);
        }
    }

    private List<GenericItemSimilarity.ItemItemSimilarity> topSimilarities(GenericBooleanPrefDataModel data)
            throws TasteException {
        LogLikelihoodSimilarity llr = new LogLikelihoodSimilarity(data);
        FastByIDMap<FastIDSet> itemUsers = data.getRawItemData();
        FastByIDMap<FastIDSet> userItems = data.getRawUserData();
        List<GenericItemSimilarity.ItemItemSimilarity> kept = new ArrayList<>();
        for (long item = 0; item < skus.length; item++) {
            FastIDSet together = new FastIDSet();
            FastIDSet buyers = itemUsers.get(item);
            if (buyers == null) {
                continue;
            }
            for (long user : buyers.toArray()) {
                together.addAll(userItems.get(user));
            }
            together.remove(item);
            long[] others = together.toArray();
            double[] values = llr.itemSimilarities(item, others);
            Integer[] order = new Integer[others.length];
            for (int i = 0; i < order.length; i++) {
                order[i] = i;
            }
            Arrays.sort(order, (a, b) -> Double.compare(values[b], values[a]));
            for (int i = 0, taken = 0; i < order.length && taken < SIMILAR_PER_ITEM; i++) {
                double value = values[order[i]];
                if (!Double.isNaN(value) && value > 0) {
                    kept.add(new GenericItemSimilarity.ItemItemSimilarity(item, others[order[i]], value));
                    taken++;
                }
            }
        }
        return kept;
    }
}
