package io.portrait.recommendation.service;

import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;

import java.util.Collection;
import java.util.function.Function;

/** Runs asynchronous steps one after the other, each starting when the previous one has completed. */
final class InOrder {

    private InOrder() {
    }

    static <T> Uni<Void> each(Collection<T> items, Function<T, Uni<?>> step) {
        return Multi.createFrom().iterable(items)
                .onItem().transformToUniAndConcatenate(item -> step.apply(item).replaceWith(Boolean.TRUE))
                .collect().last()
                .replaceWithVoid();
    }

    static <T> Uni<Long> sum(Collection<T> items, Function<T, Uni<Long>> step) {
        return Multi.createFrom().iterable(items)
                .onItem().<Long>transformToUniAndConcatenate(step::apply)
                .collect().in(() -> new long[1], (total, value) -> total[0] += value)
                .map(total -> total[0]);
    }
}
