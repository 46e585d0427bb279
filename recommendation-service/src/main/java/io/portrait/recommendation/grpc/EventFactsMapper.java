package io.portrait.recommendation.grpc;

import com.google.protobuf.Struct;
import com.google.protobuf.Timestamp;
import com.google.protobuf.Value;
import io.portrait.common.sink.SinkRequests;
import io.portrait.common.text.NulCharacters;
import io.portrait.proto.event.v1.Event;
import io.portrait.proto.event.v1.ResolvedEvent;
import io.portrait.recommendation.domain.EventFacts;
import io.portrait.recommendation.domain.InteractionKind;
import io.portrait.recommendation.domain.InteractionLine;
import io.portrait.recommendation.domain.ProductDetails;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * Reads what this service needs from resolved events: item interactions from track events (Product Viewed,
 * Product Added, Like / Product Favorited, and one line per product of Order Completed), the product
 * attributes they carry (sku, name, category, brand, price, availability), the personalization consent, and the
 * region or country of the traits. Ids are checked as every sink checks them ({@link SinkRequests#requireId}). An
 * event holding U+0000 in any text is skipped on its own: a SKU becomes a field name of the profile's history, which
 * cannot hold it, and the platform refuses the character wherever it comes in.
 */
final class EventFactsMapper {

    static final String PERSONALIZATION = "personalization";

    private EventFactsMapper() {
    }

    static List<EventFacts> toFacts(List<ResolvedEvent> events) {
        List<EventFacts> facts = new ArrayList<>(events.size());
        for (int i = 0; i < events.size(); i++) {
            facts.add(toFacts(events.get(i), "events[" + i + "]"));
        }
        return facts;
    }

    static EventFacts toFacts(ResolvedEvent resolved, String path) {
        String eventId = SinkRequests.requireId(resolved.getEventId(), path + ".event_id");
        String profileId = SinkRequests.requireId(resolved.getProfileId(), path + ".profile_id");
        String nul = NulCharacters.firstIn(resolved);
        if (nul != null) {
            return EventFacts.refused(eventId, profileId, path + "." + nul + " holds U+0000");
        }
        Event event = resolved.getEvent();
        Boolean personalization = event.containsConsent(PERSONALIZATION) ? event.getConsentOrThrow(PERSONALIZATION) : null;
        Optional<InteractionKind> kind = "track".equalsIgnoreCase(event.getType().trim())
                ? InteractionKind.forEventName(event.getName())
                : Optional.empty();

        Map<String, Integer> lines = new LinkedHashMap<>();
        Map<String, ProductDetails> products = new LinkedHashMap<>();
        kind.ifPresent(k -> {
            for (ProductDetails product : productsOf(k, event.getProperties())) {
                lines.merge(product.sku(), 1, Integer::sum);
                if (product.hasAttributes()) {
                    products.put(product.sku(), product);
                }
            }
        });
        List<InteractionLine> interactions = new ArrayList<>();
        kind.ifPresent(k -> lines.forEach((sku, count) -> interactions.add(new InteractionLine(sku, k, count))));
        String region = text(event.getTraits(), "region");
        if (region == null) {
            region = text(event.getTraits(), "country");
        }
        return new EventFacts(eventId, profileId, occurredAt(event), interactions,
                List.copyOf(products.values()), personalization, region);
    }

    private static List<ProductDetails> productsOf(InteractionKind kind, Struct properties) {
        List<ProductDetails> products = new ArrayList<>();
        Value lines = properties.getFieldsOrDefault("products", Value.getDefaultInstance());
        if (kind == InteractionKind.PURCHASED && lines.hasListValue()) {
            for (Value line : lines.getListValue().getValuesList()) {
                if (line.hasStructValue()) {
                    product(line.getStructValue()).ifPresent(products::add);
                }
            }
        } else {
            product(properties).ifPresent(products::add);
        }
        return products;
    }

    private static Optional<ProductDetails> product(Struct fields) {
        String sku = text(fields, "sku");
        if (sku == null) {
            sku = text(fields, "product_id");
        }
        if (sku == null) {
            return Optional.empty();
        }
        return Optional.of(new ProductDetails(sku, text(fields, "name"), text(fields, "category"),
                text(fields, "brand"), number(fields, "price"), availability(fields)));
    }

    private static String text(Struct fields, String name) {
        Value value = fields.getFieldsOrDefault(name, Value.getDefaultInstance());
        return switch (value.getKindCase()) {
            case STRING_VALUE -> value.getStringValue().isBlank() ? null : value.getStringValue().trim();
            // Numeric ids (product_id: 1234) are common; print integral numbers without a decimal point.
            case NUMBER_VALUE -> {
                double number = value.getNumberValue();
                if (!Double.isFinite(number)) {
                    yield null;
                }
                yield number == Math.rint(number) && Math.abs(number) < 1e15
                        ? Long.toString((long) number)
                        : Double.toString(number);
            }
            default -> null;
        };
    }

    /** {@code available: true|false}, or {@code in_stock} as some trackers name it. */
    private static Boolean availability(Struct fields) {
        for (String name : new String[] {"available", "in_stock"}) {
            Value value = fields.getFieldsOrDefault(name, Value.getDefaultInstance());
            if (value.getKindCase() == Value.KindCase.BOOL_VALUE) {
                return value.getBoolValue();
            }
        }
        return null;
    }

    private static Double number(Struct fields, String name) {
        Value value = fields.getFieldsOrDefault(name, Value.getDefaultInstance());
        Double number = switch (value.getKindCase()) {
            case NUMBER_VALUE -> value.getNumberValue();
            case STRING_VALUE -> parse(value.getStringValue());
            default -> null;
        };
        return number != null && Double.isFinite(number) ? number : null;
    }

    private static Double parse(String text) {
        try {
            return Double.valueOf(text.trim());
        } catch (NumberFormatException notANumber) {
            return null;
        }
    }

    private static Instant occurredAt(Event event) {
        if (event.hasTimestamp()) {
            return instant(event.getTimestamp());
        }
        return event.hasReceivedAt() ? instant(event.getReceivedAt()) : null;
    }

    private static Instant instant(Timestamp timestamp) {
        return Instant.ofEpochSecond(timestamp.getSeconds(), timestamp.getNanos());
    }
}
