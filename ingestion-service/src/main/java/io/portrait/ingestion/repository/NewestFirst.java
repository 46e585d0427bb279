package io.portrait.ingestion.repository;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Sorts;
import org.bson.conversions.Bson;

import java.util.Date;

/**
 * A position in a list ordered newest first: by a time, and among documents of the same time by id, descending.
 * It is the last document of a page, after which the next page starts; a page token names it. Ids break ties, so
 * the position is exact however many documents share a time, and documents stored after the first page was read are
 * newer than it and so never shift the pages that follow. A profile's timeline (by event time) and a person's
 * quarantined events (by the time they arrived) page this way; an index on the filter's fields, the time and
 * {@code _id} serves both the order and the position in a real MongoDB.
 */
public record NewestFirst(Date time, String id) {

    public NewestFirst {
        if (time == null || id == null) {
            throw new IllegalArgumentException("a position has a time and an id");
        }
    }

    /** The order of such a list by the given time field. */
    static Bson order(String timeField) {
        return Sorts.descending(timeField, "_id");
    }

    /**
     * The filter narrowed to the documents after {@code position}: older, or as old with a smaller id. Unchanged for
     * the first page (no position).
     */
    static Bson after(Bson filter, String timeField, NewestFirst position) {
        if (position == null) {
            return filter;
        }
        return Filters.and(filter, Filters.or(Filters.lt(timeField, position.time()),
                Filters.and(Filters.eq(timeField, position.time()), Filters.lt("_id", position.id()))));
    }
}
