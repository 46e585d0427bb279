package io.portrait.ingestion.engine;

import io.portrait.ingestion.domain.OutboxEntry;
import io.portrait.ingestion.domain.OutboxKind;

import java.util.List;

/** Entries delivered by one sink call: a run of events of one workspace, or a single merge or erasure. */
public record DeliveryUnit(OutboxKind kind, String workspace, List<OutboxEntry> entries) {

    public DeliveryUnit {
        entries = List.copyOf(entries);
    }
}
