package io.portrait.ingestion.engine;

import io.portrait.ingestion.domain.OutboxEntry;
import io.portrait.ingestion.domain.OutboxKind;
import io.portrait.ingestion.domain.OutboxPosition;

import java.util.Arrays;
import java.util.List;

/** Short-hand outbox entries for the engine tests: "e:7:p1" is the event at sequence 7 of profile p1. */
final class OutboxEntries {

    private OutboxEntries() {
    }

    static OutboxEntry entry(String spec) {
        return entry(spec, "w");
    }

    /** kind (e, m, x) : seq[.ord] : profile ids separated by '+'. */
    static OutboxEntry entry(String spec, String workspace) {
        String[] parts = spec.split(":");
        OutboxKind kind = switch (parts[0]) {
            case "e" -> OutboxKind.EVENT;
            case "m" -> OutboxKind.MERGE;
            default -> OutboxKind.ERASE;
        };
        String[] position = parts[1].split("\\.");
        int ord = position.length > 1 ? Integer.parseInt(position[1]) : 0;
        return new OutboxEntry(spec + "@" + workspace, "tagging", workspace,
                new OutboxPosition(Long.parseLong(position[0]), ord), kind, Arrays.asList(parts[2].split("\\+")),
                null, 0);
    }

    static List<OutboxEntry> entries(String specs) {
        return specs.isBlank() ? List.of() : Arrays.stream(specs.split(" ")).map(OutboxEntries::entry).toList();
    }

    static String specs(List<OutboxEntry> entries) {
        return String.join(" ", entries.stream().map(e -> e.id().substring(0, e.id().indexOf('@'))).toList());
    }
}
