package io.portrait.scoring.domain;

import io.portrait.scoring.engine.Purchase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.math.BigDecimal;
import java.time.Instant;
import java.util.Objects;

/**
 * One order row. Written only by the repository's inserts and moves; read through Panache. {@code purchase_day} is
 * left unmapped: {@link Purchase#purchaseDay()} derives it from {@code occurredAt} the same way.
 */
@Entity
@Table(name = "purchase_order")
@IdClass(PurchaseOrder.Key.class)
public class PurchaseOrder {

    @Id
    private String workspace;

    @Id
    @Column(name = "profile_id")
    private String profileId;

    @Id
    @Column(name = "order_id")
    private String orderId;

    @Column(name = "event_id")
    private String eventId;

    @Column(name = "occurred_at")
    private Instant occurredAt;

    private String currency;

    private BigDecimal amount;

    protected PurchaseOrder() {
    }

    /** Primary key of {@link PurchaseOrder}. */
    public static class Key implements Serializable {

        private String workspace;
        private String profileId;
        private String orderId;

        public Key() {
        }

        public Key(String workspace, String profileId, String orderId) {
            this.workspace = workspace;
            this.profileId = profileId;
            this.orderId = orderId;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key
                    && Objects.equals(workspace, key.workspace)
                    && Objects.equals(profileId, key.profileId)
                    && Objects.equals(orderId, key.orderId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(workspace, profileId, orderId);
        }
    }
}
