package io.portrait.recommendation.repository;

import org.bson.Document;
import org.bson.conversions.Bson;

import java.util.ArrayList;
import java.util.Date;
import java.util.List;

import static com.mongodb.client.model.Updates.combine;
import static com.mongodb.client.model.Updates.set;
import static com.mongodb.client.model.Updates.unset;

/**
 * What a profile's events said of one thing (its consent, its region), in the profile's document: the latest
 * statement, which counts (a value and its time, in two fields), and the earlier ones, newest first, in a list.
 * Replayed or late events never overwrite a later statement, as the latest wins; the earlier ones are kept so that
 * taking back a statement written into a profile it does not belong to (see {@code ProfileUnmergeService#withdraw})
 * leaves the one the profile's own events said before it, even when that one was delivered after it.
 *
 * <p>Used as the decision of a {@link VersionedWrite}: each method answers the update for the document as read, or
 * null when nothing changes.
 */
final class Statements {

    /**
     * Earlier statements kept: as many statements as may be taken back from one profile in a row before the oldest
     * the profile said itself is lost. Misplaced statements are those of events an unmerge or a merge moved while a
     * delivery was writing them, a handful at most.
     */
    static final int EARLIER_KEPT = 16;

    static final String VALUE = "value";
    static final String AT = "at";

    private final String valueField;
    private final String timeField;
    private final String earlierField;

    Statements(String valueField, String timeField, String earlierField) {
        this.valueField = valueField;
        this.timeField = timeField;
        this.earlierField = earlierField;
    }

    /**
     * Adds a statement: it counts unless the latest one held is later (at the same time, the one added last counts),
     * and is kept among the earlier ones otherwise. Nothing when it is held already.
     */
    Bson record(Document current, Object value, Date at) {
        Date held = current == null ? null : current.getDate(timeField);
        if (held == null) {
            return combine(set(valueField, value), set(timeField, at));
        }
        Document statement = statement(value, at);
        List<Document> earlier = earlier(current);
        if (statement.equals(statement(current.get(valueField), held)) || earlier.contains(statement)) {
            return null;
        }
        if (!held.after(at)) {
            earlier.add(0, statement(current.get(valueField), held));
            return combine(set(valueField, value), set(timeField, at), set(earlierField, capped(earlier)));
        }
        int position = 0;
        while (position < earlier.size() && !at.after(earlier.get(position).getDate(AT))) {
            position++;
        }
        if (position >= EARLIER_KEPT) {
            return null;
        }
        earlier.add(position, statement);
        return set(earlierField, capped(earlier));
    }

    /**
     * Takes back one statement: the latest one, and the one before it counts then (or none), or one of the earlier
     * ones. Nothing when the document holds no such statement, given at that time.
     */
    Bson withdraw(Document current, Object value, Date at) {
        if (current == null) {
            return null;
        }
        Document statement = statement(value, at);
        List<Document> earlier = earlier(current);
        if (statement.equals(statement(current.get(valueField), current.getDate(timeField)))) {
            if (earlier.isEmpty()) {
                return forget();
            }
            Document before = earlier.remove(0);
            return combine(set(valueField, before.get(VALUE)), set(timeField, before.getDate(AT)),
                    earlier.isEmpty() ? unset(earlierField) : set(earlierField, earlier));
        }
        return earlier.remove(statement) ? set(earlierField, earlier) : null;
    }

    /** Forgets every statement. */
    Bson forget() {
        return combine(unset(valueField), unset(timeField), unset(earlierField));
    }

    private List<Document> earlier(Document current) {
        return new ArrayList<>(current.getList(earlierField, Document.class, List.of()));
    }

    private static List<Document> capped(List<Document> earlier) {
        return earlier.size() > EARLIER_KEPT ? earlier.subList(0, EARLIER_KEPT) : earlier;
    }

    private static Document statement(Object value, Date at) {
        return new Document(VALUE, value).append(AT, at);
    }
}
