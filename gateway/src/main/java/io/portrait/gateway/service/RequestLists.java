package io.portrait.gateway.service;

import io.portrait.gateway.rest.ProblemException;

import java.util.List;
import java.util.Map;

/**
 * The lists and maps of a request body as the services take them: absent is empty, and a {@code null} inside is the
 * caller's mistake (a 400 naming where), not a failure of ours (the gRPC messages they become cannot hold one).
 */
final class RequestLists {

    private RequestLists() {
    }

    static <T> List<T> items(List<T> items, String field) {
        if (items == null) {
            return List.of();
        }
        for (int i = 0; i < items.size(); i++) {
            if (items.get(i) == null) {
                throw ProblemException.invalidRequest("\"" + field + "[" + i + "]\" is null; send a value or leave it out.");
            }
        }
        return items;
    }

    static <V> Map<String, V> entries(Map<String, V> entries, String field) {
        if (entries == null) {
            return Map.of();
        }
        entries.forEach((key, value) -> {
            if (key == null || value == null) {
                throw ProblemException.invalidRequest("\"" + field + "." + key + "\" is null; send a value or leave it out.");
            }
        });
        return entries;
    }
}
