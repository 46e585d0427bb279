package io.portrait.launcher.eval;

import io.portrait.recommendation.engine.Affinity;
import io.portrait.recommendation.engine.ItemModel;
import io.portrait.recommendation.engine.ItemModelBuilder;
import io.portrait.recommendation.engine.ModelSettings;
import io.portrait.recommendation.engine.ProfileItem;
import io.portrait.recommendation.engine.Query;
import io.portrait.recommendation.engine.Recommender;
import io.portrait.recommendation.engine.Rules;
import io.portrait.recommendation.engine.ScoredItem;
import io.portrait.recommendation.engine.Touch;

import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * Portrait's own engine with the service's model settings: every purchased line is an interaction of weight 5 at
 * its invoice time, each decayed by its own age at the end of the training period (as the service decays every
 * interaction), the item model is built from all training customers, and a customer's country is its popularity
 * group. The lists differ from the service's in their rules only: the new-items view leaves out what the customer
 * bought before, as the service does by default ({@code exclude-purchased}); the all-items view keeps it, as the
 * service does with {@code exclude-purchased=false}. The service's other default rules change nothing here: the
 * data set marks no item unavailable, and the diversity cap is off by default.
 */
final class PortraitLists implements ListMaker {

    /** The weight of a purchase in the service (view 1, like 2, add to cart 3, purchase 5). */
    static final double PURCHASE_WEIGHT = 5;

    private final EvalSplit split;
    private final ItemModel model;
    private final Map<Long, Map<String, ProfileItem>> histories = new HashMap<>();
    private final Recommender recommender = new Recommender();

    PortraitLists(EvalSplit split, ModelSettings settings) {
        this.split = split;
        Affinity affinity = new Affinity(settings.halfLife());
        ItemModelBuilder builder = new ItemModelBuilder(settings, split.trainingEnd());
        split.training().forEach((customer, purchases) -> {
            List<Touch> touches = purchases.stream()
                    .map(purchase -> new Touch(purchase.sku(), PURCHASE_WEIGHT, purchase.at(), true))
                    .toList();
            Map<String, ProfileItem> history = affinity.of(touches, split.trainingEnd());
            histories.put(customer, history);
            builder.addProfile(history.values(), List.of(region(customer)));
        });
        this.model = builder.build(1);
    }

    @Override
    public String name() {
        return "portrait";
    }

    ItemModel model() {
        return model;
    }

    @Override
    public List<String> top(long customer, int k, boolean newOnly) {
        Query query = new Query(histories.getOrDefault(customer, Map.of()), true, List.of(region(customer)),
                Rules.NONE.withExcludePurchased(newOnly), Map.of(), k);
        return recommender.recommend(model, query).items().stream().map(ScoredItem::sku).toList();
    }

    private String region(long customer) {
        return "region:" + split.country(customer);
    }
}
