package io.portrait.scoring.service;

import io.portrait.scoring.config.ScoringConfig;
import io.portrait.scoring.domain.ApplyResult;
import io.portrait.scoring.domain.InvalidRequestException;
import io.portrait.scoring.domain.MergeRecord;
import io.portrait.scoring.domain.ProfileNotFoundException;
import io.portrait.scoring.domain.ProfileSummary;
import io.portrait.scoring.domain.PurchaseOrder;
import io.portrait.scoring.domain.SinkEvent;
import io.portrait.scoring.engine.OrderParser;
import io.portrait.scoring.engine.Purchase;
import io.portrait.scoring.engine.PurchaseStats;
import io.portrait.scoring.engine.PurchaseSummarizer;
import io.portrait.scoring.repository.ProfileAliasRepository;
import io.portrait.scoring.repository.PurchaseOrderRepository;
import io.portrait.scoring.repository.SinkLedgerRepository;
import io.quarkus.hibernate.reactive.panache.common.WithSession;
import io.quarkus.hibernate.reactive.panache.common.WithTransaction;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

/** Keeps per-profile purchases in step with the event stream and identity merges. */
@ApplicationScoped
public class PurchaseService {

    private final SinkLedgerRepository ledger;
    private final ProfileAliasRepository aliases;
    private final PurchaseOrderRepository orders;
    private final ScoringConfig config;
    private final String defaultCurrency;

    PurchaseService(SinkLedgerRepository ledger, ProfileAliasRepository aliases, PurchaseOrderRepository orders,
                    ScoringConfig config) {
        this.ledger = ledger;
        this.aliases = aliases;
        this.orders = orders;
        this.config = config;
        this.defaultCurrency = OrderParser.currency(config.defaultCurrency(), config.defaultCurrency())
                .orElseThrow(() -> new IllegalStateException(
                        "portrait.scoring.default-currency must be a three-letter ISO 4217 code"));
    }

    /**
     * Applies a batch in one transaction. Events applied before (or twice in the batch) are skipped; orders
     * of merged-away profiles go to their survivor; an order already held counts once.
     */
    @WithTransaction
    public Uni<ApplyResult> applyEvents(String workspace, List<SinkEvent> events) {
        if (events.size() > config.maxBatchSize()) {
            return Uni.createFrom().failure(new InvalidRequestException(
                    "events: at most " + config.maxBatchSize() + " per batch, got " + events.size()));
        }
        return ledger.lockShared(workspace)
                .chain(() -> ledger.recordEvents(workspace, events.stream().map(SinkEvent::eventId).toList()))
                .chain(fresh -> {
                    List<SinkEvent> toApply = firstOccurrences(events, fresh);
                    ApplyResult result = new ApplyResult(toApply.size(), events.size() - toApply.size());
                    List<Purchase> purchases = toApply.stream()
                            .filter(event -> OrderParser.isOrder(event.type(), event.name()))
                            .map(event -> OrderParser.parse(event.profileId(), event.eventId(), event.occurredAt(),
                                    event.properties(), defaultCurrency))
                            .toList();
                    Set<String> profileIds = purchases.stream().map(Purchase::profileId).collect(Collectors.toSet());
                    return aliases.survivorsOf(workspace, profileIds)
                            .chain(survivors -> orders.insert(workspace, PurchaseSummarizer.onePerOrder(
                                    purchases.stream()
                                            .map(purchase -> purchase.withProfileId(survivors.getOrDefault(
                                                    purchase.profileId(), purchase.profileId())))
                                            .toList())))
                            .invoke(() -> Log.debugf("workspace %s: applied %d events (%d orders), skipped %d duplicates",
                                    workspace, result.applied(), purchases.size(), result.duplicates()))
                            .replaceWith(result);
                });
    }

    /** Re-keys the merged profiles' orders onto the survivor; false when this merge had been applied before. */
    @WithTransaction
    public Uni<Boolean> applyMerge(String workspace, MergeRecord merge) {
        List<String> mergedIds = merge.mergedIds().stream()
                .filter(id -> !id.equals(merge.survivorId()))
                .distinct()
                .sorted()
                .toList();
        return ledger.lockExclusive(workspace)
                .chain(() -> ledger.recordMerge(workspace, merge.mergeId(), merge.survivorId()))
                .chain(first -> {
                    if (!first || mergedIds.isEmpty()) {
                        return Uni.createFrom().item(first);
                    }
                    return orders.moveTo(workspace, merge.survivorId(), mergedIds)
                            .chain(() -> aliases.redirect(workspace, merge.survivorId(), mergedIds))
                            .invoke(() -> Log.debugf("workspace %s: merged %d profiles", workspace, mergedIds.size()))
                            .replaceWith(true);
                });
    }

    /** Deletes the profile's orders and the aliases from and to it; false when nothing was held. */
    @WithTransaction
    public Uni<Boolean> eraseProfile(String workspace, String profileId) {
        return ledger.lockExclusive(workspace)
                .chain(() -> orders.deleteFor(workspace, profileId))
                .chain(deleted -> aliases.forget(workspace, profileId).map(forgotten -> deleted + forgotten > 0));
    }

    /** The purchase summary of the live profile behind {@code profileId}; answers that profile's id too. */
    @WithSession
    public Uni<ProfileSummary> summaryOf(String workspace, String profileId) {
        return aliases.liveIdOf(workspace, profileId)
                .chain(liveId -> orders.listFor(workspace, liveId).map(rows -> {
                    PurchaseStats stats = PurchaseSummarizer.summarize(
                                    rows.stream().map(PurchaseOrder::toPurchase).toList())
                            .orElseThrow(() -> new ProfileNotFoundException(profileId));
                    return new ProfileSummary(liveId, stats);
                }));
    }

    private static List<SinkEvent> firstOccurrences(List<SinkEvent> events, Set<String> freshIds) {
        Set<String> pending = new HashSet<>(freshIds);
        return events.stream().filter(event -> pending.remove(event.eventId())).toList();
    }
}
