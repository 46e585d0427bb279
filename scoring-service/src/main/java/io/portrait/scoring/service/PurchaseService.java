package io.portrait.scoring.service;

import io.portrait.common.sink.ApplyResult;
import io.portrait.common.sink.MergeRecord;
import io.portrait.common.sink.SinkWriter;
import io.portrait.common.sink.UnmergeRecord;
import io.portrait.scoring.config.ScoringConfig;
import io.portrait.scoring.domain.SinkEvent;
import io.portrait.scoring.engine.OrderParser;
import io.portrait.scoring.engine.Purchase;
import io.portrait.scoring.engine.PurchaseSummarizer;
import io.portrait.common.money.WorkspaceCurrencies;
import io.portrait.scoring.repository.PurchaseOrderRepository;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.logging.Log;
import io.quarkus.runtime.Startup;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** Keeps per-profile purchases in step with the event stream and identity merges. */
@Startup // built at start, so a bad setting stops the start-up with its reason, not a refit or a delivery
@ApplicationScoped
public class PurchaseService {

    private final SinkWriter<SinkEvent> sink;
    private final PurchaseOrderRepository orders;
    private final WorkspaceCurrencies currencies;

    PurchaseService(PurchaseOrderRepository orders, ScoringConfig config, WorkspaceCurrencies currencies) {
        this.sink = new SinkWriter<>(orders, SinkEvent::eventId, SinkEvent::profileId, config.maxBatchSize());
        this.orders = orders;
        this.currencies = currencies;
    }

    /**
     * Applies a batch in one transaction. Events applied before (or twice in the batch) are skipped; orders
     * of merged-away profiles go to their survivor; an order already held counts once; events of erased profiles
     * are dropped (see {@link SinkWriter#applyEvents}).
     */
    @WithTransaction
    public Uni<ApplyResult> applyEvents(String workspace, List<SinkEvent> events) {
        String defaultCurrency = currencies.of(workspace);
        return sink.applyEvents(workspace, events, (toApply, profiles, result) -> {
            List<Purchase> purchases = toApply.stream()
                    .filter(event -> OrderParser.isOrder(event.type(), event.name()))
                    .map(event -> OrderParser.parse(event.profileId(), event.eventId(), event.occurredAt(),
                            event.properties(), defaultCurrency))
                    .map(purchase -> purchase.withProfileId(profiles.liveIdOf(purchase.profileId())))
                    .toList();
            return orders.insert(workspace, PurchaseSummarizer.onePerOrder(purchases))
                    .invoke(() -> Log.debugf("workspace %s: applied %d events (%d orders), skipped %d duplicates"
                                    + " and %d of erased profiles", workspace, result.applied(), purchases.size(),
                            result.duplicates(), result.dropped()));
        });
    }

    /**
     * Re-keys the merged profiles' orders onto the survivor; false when this merge had been applied before. Into an
     * erased survivor, the merged profiles are erased instead (see {@link SinkWriter#applyMerge}).
     */
    @WithTransaction
    public Uni<Boolean> applyMerge(String workspace, MergeRecord merge) {
        return sink.applyMerge(workspace, merge);
    }

    /**
     * Undoes a merge: the orders of the survivor and the restored profiles are deleted, to be rebuilt from the events
     * ingestion delivers again next; false when this unmerge had been applied before.
     */
    @WithTransaction
    public Uni<Boolean> applyUnmerge(String workspace, UnmergeRecord unmerge) {
        return sink.applyUnmerge(workspace, unmerge);
    }

    /**
     * Deletes the profile's orders and scores and the aliases from and to it, and keeps its id as erased so that
     * nothing delivered later brings any of it back; false when nothing was held.
     */
    @WithTransaction
    public Uni<Boolean> eraseProfile(String workspace, String profileId) {
        return sink.eraseProfile(workspace, profileId);
    }
}
