package io.portrait.ingestion.engine;

import io.portrait.ingestion.domain.OutboxEntry;
import io.portrait.ingestion.domain.OutboxKind;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/** Cuts claimed outbox entries, in delivery order, into the sink calls that deliver them. */
public final class DeliveryPlanner {

    private final int maxEventsPerCall;

    public DeliveryPlanner(int maxEventsPerCall) {
        this.maxEventsPerCall = maxEventsPerCall;
    }

    /**
     * Consecutive events of one workspace share an ApplyEvents call; a merge, an unmerge or an erasure is a call of
     * its own, so the events after it reach the sink only once it is applied.
     */
    public List<DeliveryUnit> plan(List<OutboxEntry> entries) {
        List<OutboxEntry> ordered = entries.stream().sorted(Comparator.comparing(OutboxEntry::position)).toList();
        List<DeliveryUnit> units = new ArrayList<>();
        List<OutboxEntry> run = new ArrayList<>();
        for (OutboxEntry entry : ordered) {
            boolean joinsRun = entry.kind() == OutboxKind.EVENT && !run.isEmpty()
                    && run.get(0).workspace().equals(entry.workspace()) && run.size() < maxEventsPerCall;
            if (!joinsRun && !run.isEmpty()) {
                units.add(new DeliveryUnit(OutboxKind.EVENT, run.get(0).workspace(), run));
                run = new ArrayList<>();
            }
            if (entry.kind() == OutboxKind.EVENT) {
                run.add(entry);
            } else {
                units.add(new DeliveryUnit(entry.kind(), entry.workspace(), List.of(entry)));
            }
        }
        if (!run.isEmpty()) {
            units.add(new DeliveryUnit(OutboxKind.EVENT, run.get(0).workspace(), run));
        }
        return units;
    }
}
