package io.portrait.gateway.engine;

import com.fasterxml.jackson.databind.JsonNode;
import io.portrait.gateway.domain.FieldError;

import java.util.List;

/**
 * A message of another tracking API after translation: either a Portrait event in the JSON shape of
 * {@code POST /v1/events}, to be read and checked like any other, or the reasons it could not become one.
 */
public record TranslatedEvent(String messageId, JsonNode event, List<FieldError> refusals) {

    public static TranslatedEvent of(String messageId, JsonNode event) {
        return new TranslatedEvent(messageId, event, List.of());
    }

    public static TranslatedEvent refused(String messageId, List<FieldError> refusals) {
        return new TranslatedEvent(messageId, null, List.copyOf(refusals));
    }

    public boolean translated() {
        return refusals.isEmpty();
    }
}
