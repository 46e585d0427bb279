package io.portrait.launcher.eval;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** The baseline: the items most customers bought in the training period, the same list for everyone. */
final class PopularityLists implements ListMaker {

    private final EvalSplit split;
    private final List<String> ranking;

    PopularityLists(EvalSplit split) {
        this.split = split;
        Map<String, Integer> buyers = new HashMap<>();
        split.training().forEach((customer, purchases) ->
                split.bought(customer).forEach(sku -> buyers.merge(sku, 1, Integer::sum)));
        List<String> items = new ArrayList<>(buyers.keySet());
        items.sort(Comparator.<String>comparingInt(buyers::get).reversed().thenComparing(Comparator.naturalOrder()));
        this.ranking = List.copyOf(items);
    }

    @Override
    public String name() {
        return "popularity";
    }

    @Override
    public List<String> top(long customer, int k, boolean newOnly) {
        Set<String> bought = newOnly ? split.bought(customer) : Set.of();
        List<String> top = new ArrayList<>(k);
        for (String sku : ranking) {
            if (top.size() == k) {
                break;
            }
            if (!bought.contains(sku)) {
                top.add(sku);
            }
        }
        return top;
    }
}
