package io.portrait.gateway.domain;

import java.util.List;

/** An event of a batch that was not accepted, by its position in the batch. */
public record RejectedEvent(int index, String messageId, List<FieldError> errors) {
}
