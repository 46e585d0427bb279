package io.portrait.ingestion.domain;

import io.portrait.proto.event.v1.Event;
import io.portrait.proto.event.v1.Identifier;

import java.util.List;

/**
 * An event that passed validation: {@code event} is what the sinks receive, {@code identifiers} says which of
 * its identifiers may be used for matching, and {@code timestampClamped} records that the sender's clock was
 * too far ahead and the receive time was used instead.
 */
public record CleanedEvent(Event event, List<CleanedIdentifier> identifiers, boolean timestampClamped) {

    public CleanedEvent {
        identifiers = List.copyOf(identifiers);
    }

    public EventKey key() {
        return new EventKey(event.getSource(), event.getMessageId());
    }

    public List<Identifier> matchableIdentifiers() {
        return identifiers.stream()
                .filter(CleanedIdentifier::matchable)
                .map(i -> Identifier.newBuilder().setType(i.type()).setValue(i.value()).build())
                .toList();
    }
}
