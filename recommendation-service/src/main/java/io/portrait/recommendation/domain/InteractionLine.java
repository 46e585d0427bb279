package io.portrait.recommendation.domain;

/** One item an event touched: {@code lines} counts order lines of the same sku within that event. */
public record InteractionLine(String sku, InteractionKind kind, int lines) {

    public long weight() {
        return kind.weight() * lines;
    }
}
