package io.portrait.gateway.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import com.fasterxml.jackson.databind.annotation.JsonSerialize;
import io.portrait.common.pii.PiiMask;

import java.time.Instant;
import java.util.List;

/**
 * One customer as the gateway shows it: who they are (identity and golden-record traits), what they did (activity, from tagging), what
 * they bought and are worth (purchases and scores, from scoring), how they are described (tags and segments) and
 * what to offer them next (recommendations). A part its service holds nothing for yet is absent; a part whose
 * service failed or was too slow is absent and named in {@code degraded}.
 */
@JsonInclude(JsonInclude.Include.NON_NULL)
public record ProfileView(String id, List<IdentifierView> identifiers, List<TraitView> traits, List<String> channels,
                          Instant firstSeen,
                          Instant lastSeen, long eventCount, List<String> mergedIds, List<ActivityView> activity,
                          PurchasesView purchases, List<TagView> tags, List<SegmentView> segments, ScoresView scores,
                          RecommendationsView recommendations,
                          @JsonInclude(JsonInclude.Include.NON_EMPTY) List<String> degraded) {

    public record IdentifierView(String type, String value) {
        /** The same identifier with its value masked ({@code 138****5678}, {@code a***@example.com}). */
        public IdentifierView masked() {
            return new IdentifierView(type, PiiMask.mask(type, value));
        }
    }

    /**
     * One trait of the golden record with its provenance: the source and event that set it, when that event
     * happened, and the survivorship rule that chose it among the values the profile's events brought.
     */
    public record TraitView(String name, String value, String source, String eventId, Instant observedAt,
                            String rule) {
        /** Trait values are personal data of any shape (names, birthdays, cities): every value is masked. */
        public TraitView masked() {
            return new TraitView(name, PiiMask.mask(name, value), source, eventId, observedAt, rule);
        }
    }

    /** How often and when the customer sent one kind of event. */
    public record ActivityView(String event, long count, Instant firstAt, Instant lastAt) {
    }

    public record PurchasesView(long orders, int purchaseDays, Instant firstPurchase, Instant lastPurchase,
                                List<MoneyView> monetary) {
    }

    /** An exact decimal amount, as text so no precision is lost. */
    public record MoneyView(String currency, String amount) {
    }

    /** {@code items}: a list tag's items, decoded from {@code value} (where a comma inside an item reads {@code %2C}). */
    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record TagView(String code, String name, String value, List<String> items, String valueType, String reason,
                          Instant updatedAt) {
    }

    public record SegmentView(String code, String name) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ScoresView(RfmView rfm, ClvView clv, String churnRisk, String valueTier,
                             @JsonSerialize(using = Figure.class) double engagement,
                             Integer cluster, String modelVersion, Instant scoredAt) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record RfmView(int recencyDays, int frequency, MoneyView monetary, int r, int f, int m, String segment) {
    }

    @JsonInclude(JsonInclude.Include.NON_NULL)
    public record ClvView(int horizonDays, @JsonSerialize(using = Figure.class) double expectedPurchases,
                          @JsonSerialize(using = Figure.class) double pAlive, MoneyView expectedOrderValue,
                          MoneyView clv) {
    }

    /** Who the customer is, before the other parts are added. */
    public static ProfileView identity(String id, List<IdentifierView> identifiers, List<TraitView> traits,
                                       List<String> channels, Instant firstSeen, Instant lastSeen, long eventCount,
                                       List<String> mergedIds) {
        return new ProfileView(id, identifiers, traits, channels, firstSeen, lastSeen, eventCount, mergedIds,
                null, null, null, null, null, null, List.of());
    }

    /** The view as a caller without pii:read sees it: every identifier and trait value masked. */
    public ProfileView masked() {
        return new ProfileView(id, identifiers == null ? null : identifiers.stream().map(IdentifierView::masked).toList(),
                traits == null ? null : traits.stream().map(TraitView::masked).toList(), channels, firstSeen, lastSeen, eventCount, mergedIds, activity, purchases, tags, segments, scores,
                recommendations, degraded);
    }

    /** What the services other than identity hold about the profile, and the parts they failed to give. */
    public record Parts(List<ActivityView> activity, PurchasesView purchases, List<TagView> tags,
                        List<SegmentView> segments, ScoresView scores, RecommendationsView recommendations,
                        List<String> degraded) {

        /** The parts as answered for {@code liveId}: a merged-away id asked for is answered for its survivor. */
        Parts of(String liveId) {
            return recommendations == null || recommendations.profileId().equals(liveId) ? this
                    : new Parts(activity, purchases, tags, segments, scores, new RecommendationsView(liveId,
                            recommendations.personalized(), recommendations.nonPersonalizedReason(),
                            recommendations.modelVersion(), recommendations.degraded(),
                            recommendations.items()), degraded);
        }
    }

    /** This view with the other services' parts, answered for this (live) profile. */
    public ProfileView withParts(Parts parts) {
        Parts live = parts.of(id);
        return new ProfileView(id, identifiers, traits, channels, firstSeen, lastSeen, eventCount, mergedIds,
                live.activity(), live.purchases(), live.tags(), live.segments(), live.scores(),
                live.recommendations(), live.degraded());
    }

}
