package io.portrait.scoring.repository;

import io.portrait.scoring.domain.PurchaseOrder;
import io.portrait.scoring.engine.Purchase;
import io.portrait.common.sink.NativeSql;
import io.portrait.common.sink.ProfileData;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/** Orders, one row per (workspace, profile, order id); the first delivery of an order wins. */
@ApplicationScoped
public class PurchaseOrderRepository implements PanacheRepositoryBase<PurchaseOrder, PurchaseOrder.Key>, ProfileData {

    private static final String INSERT = """
            insert into purchase_order
                (workspace, profile_id, order_id, event_id, occurred_at, purchase_day, currency, amount)
            values (:workspace, :profileId, :orderId, :eventId, :occurredAt, :purchaseDay, :currency, :amount)
            on conflict (workspace, profile_id, order_id) do nothing""";
    private static final String DROP_HELD_BY_SURVIVOR = """
            delete from purchase_order merged
            where merged.workspace = :workspace and merged.profile_id in (:mergedIds)
              and exists (select 1 from purchase_order survivor
                          where survivor.workspace = :workspace and survivor.profile_id = :survivorId
                            and survivor.order_id = merged.order_id)""";
    private static final String DROP_HELD_TWICE = """
            delete from purchase_order later using purchase_order earlier
            where later.workspace = :workspace and earlier.workspace = :workspace
              and later.profile_id in (:mergedIds) and earlier.profile_id in (:mergedIds)
              and later.order_id = earlier.order_id
              and (later.occurred_at, later.profile_id) > (earlier.occurred_at, earlier.profile_id)""";
    private static final String REKEY = """
            update purchase_order set profile_id = :survivorId
            where workspace = :workspace and profile_id in (:mergedIds)""";
    private static final String DELETE_PROFILE = """
            delete from purchase_order where workspace = :workspace and profile_id = :profileId""";
    // Scores are derived from the orders: a merged-away profile has none until the next refit scores its survivor,
    // and an erased profile keeps none.
    private static final String DROP_MERGED_SCORES = """
            delete from profile_score where workspace = :workspace and profile_id in (:mergedIds)""";
    private static final String DELETE_PROFILE_SCORES = """
            delete from profile_score where workspace = :workspace and profile_id = :profileId""";

    /** Inserts the purchases in the given order; orders already held for the profile are left as they are. */
    public Uni<Void> insert(String workspace, List<Purchase> purchases) {
        return Multi.createFrom().iterable(purchases)
                .onItem().transformToUniAndConcatenate(purchase -> NativeSql.update(INSERT, row(workspace, purchase)))
                .collect().last()
                .replaceWithVoid();
    }

    /**
     * Moves the merged profiles' orders to the survivor. An order held by both keeps the survivor's row; one
     * held by several merged profiles keeps the earliest.
     */
    @Override
    public Uni<Void> moveTo(String workspace, String survivorId, List<String> mergedIds) {
        Map<String, Object> merge = Map.of("workspace", workspace, "survivorId", survivorId, "mergedIds", mergedIds);
        return NativeSql.update(DROP_HELD_BY_SURVIVOR, merge)
                .chain(() -> NativeSql.update(DROP_HELD_TWICE, Map.of("workspace", workspace, "mergedIds", mergedIds)))
                .chain(() -> NativeSql.update(REKEY, merge))
                .chain(() -> NativeSql.update(DROP_MERGED_SCORES, Map.of("workspace", workspace, "mergedIds", mergedIds)))
                .replaceWithVoid();
    }

    /** Deletes the profile's orders and scores; answers how many rows there were. */
    @Override
    public Uni<Integer> deleteFor(String workspace, String profileId) {
        Map<String, Object> profile = Map.of("workspace", workspace, "profileId", profileId);
        return NativeSql.update(DELETE_PROFILE, profile)
                .chain(orders -> NativeSql.update(DELETE_PROFILE_SCORES, profile).map(scores -> orders + scores));
    }

    private static Map<String, Object> row(String workspace, Purchase purchase) {
        Map<String, Object> row = new HashMap<>();
        row.put("workspace", workspace);
        row.put("profileId", purchase.profileId());
        row.put("orderId", purchase.orderId());
        row.put("eventId", purchase.eventId());
        row.put("occurredAt", OffsetDateTime.ofInstant(purchase.occurredAt(), ZoneOffset.UTC));
        row.put("purchaseDay", purchase.purchaseDay());
        row.put("currency", purchase.currency());
        row.put("amount", purchase.amount());
        return row;
    }
}
