package io.portrait.ingestion.service;

import io.portrait.ingestion.repository.NewestFirst;

import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Date;

/** Opaque page tokens: the position after which the next page starts, Base64url so callers pass it unchanged. */
final class PageTokens {

    private PageTokens() {
    }

    static String encode(String position) {
        return Base64.getUrlEncoder().withoutPadding().encodeToString(position.getBytes(StandardCharsets.UTF_8));
    }

    /** The position a token names; null for the first page. */
    static String decode(String token) {
        if (token == null || token.isBlank()) {
            return null;
        }
        try {
            return new String(Base64.getUrlDecoder().decode(token.strip()), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new InvalidRequestException("page_token", "not a page token of this service");
        }
    }

    /** The token of a position in a list ordered newest first: its time (epoch milliseconds) and its id. */
    static String encode(NewestFirst position) {
        return encode(position.time().getTime() + "|" + position.id());
    }

    /** The position in a list ordered newest first a token of {@link #encode(NewestFirst)} names; null at first. */
    static NewestFirst newestFirst(String token) {
        String position = decode(token);
        if (position == null) {
            return null;
        }
        int bar = position.indexOf('|');
        try {
            return new NewestFirst(new Date(Long.parseLong(position.substring(0, bar))), position.substring(bar + 1));
        } catch (NumberFormatException | StringIndexOutOfBoundsException e) {
            throw new InvalidRequestException("page_token", "not a page token of this service");
        }
    }

    static int pageSize(int requested, int defaultSize, int maxSize) {
        if (requested < 0) {
            throw new InvalidRequestException("page_size", "page_size must not be negative");
        }
        return requested == 0 ? defaultSize : Math.min(requested, maxSize);
    }
}
