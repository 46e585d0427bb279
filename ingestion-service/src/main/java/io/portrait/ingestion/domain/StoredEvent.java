package io.portrait.ingestion.domain;

/** An accepted event as kept in the store: its id, its workspace and its place in the global sequence. */
public record StoredEvent(String eventId, String workspace, long seq, CleanedEvent cleaned) {

    /** The event without its content: what the resolve queue holds. */
    public record Ref(String eventId, String workspace, long seq) {
    }

    public Ref ref() {
        return new Ref(eventId, workspace, seq);
    }
}
