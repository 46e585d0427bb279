package io.portrait.ingestion.repository;

import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.portrait.ingestion.engine.ImportReader;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import org.bson.conversions.Bson;

import java.util.regex.Pattern;

/**
 * Removes what versions before 2026-12-07 quoted of people's rows in why an import row or file could not be read:
 * they recorded the parser's own message ({@code not JSON: Unrecognized token 'LinWang': ...}), which quotes the text
 * it stumbled on, in the reject report ({@code import_rejects}) and in a failed job's error. Nothing ties such a reason
 * to a person (the row was never read, so it has no lookup hashes an erasure could find), and it is not needed to
 * say what went wrong, so it is replaced by the words {@link ImportReader} uses now: once, in the background after
 * the start (see {@link OneOffPasses}).
 *
 * <p>A reason is recognized as such by what it is not: the reader's reasons of today name the column or the
 * character position, never the text, and are left as they are; so is every other reason (a row refused by the
 * cleaner, or skipped as an erased person's), which never held the row's values. A reason is replaced by a fixed
 * text, so the pass gives the same result however often it runs, and beside writers of any version.
 */
@ApplicationScoped
public class ImportReasonScrub {

    /** The checkpoint recording that the pass over the reasons recorded before they left out the text is done. */
    static final String DONE = "imports.reasons.scrubbed";

    /**
     * A CSV row's reason that is not one the reader words now (an unclosed quote, or a column and what is wrong
     * there): the parser's message after the prefix.
     */
    static final Pattern QUOTING_CSV_ROW = Pattern.compile("^not a CSV row( \\(reading stopped here\\))?: "
            + "(?!a quoted field is not closed \\(|column [0-9]+ |column '.*' \\(column [0-9]+\\) )");
    /** A JSON line's reason that is not one the reader words now (a character position and a field name). */
    static final Pattern QUOTING_JSON_LINE = Pattern.compile("^not JSON: (?!the line cannot be read as one JSON object)");
    /** A CSV header's reason that is not one the reader words now (an unclosed quote, or which column name). */
    static final Pattern QUOTING_HEADER = Pattern.compile(
            "^the header row is not CSV: (?!a quoted column name is not closed$|the name of column [0-9]+ )");

    static final String CSV_ROW = "not a CSV row: cannot be read as CSV (the parser's description, which quoted the"
            + " row's text, is not kept)";
    static final String JSON_LINE = "not JSON: the line cannot be read as one JSON object (the parser's description,"
            + " which quoted the line's text, is not kept)";
    static final String HEADER = "the header row is not CSV: it cannot be read as CSV (the parser's description, which"
            + " quoted the row's text, is not kept)";

    /** Where a row's reason is: the worker recorded why a row could not be read as its one error. */
    private static final String REASON = "errors.0.message";

    private final IngestionStore store;
    private final OneOffPasses passes;

    public ImportReasonScrub(IngestionStore store, OneOffPasses passes) {
        this.store = store;
        this.passes = passes;
    }

    void scrubInBackground(@Observes StartupEvent startup) {
        passes.runOnce(DONE, this::scrub,
                "removed the row text quoted in %d import reject reasons and job errors recorded by earlier versions",
                "import reject reasons recorded by earlier versions not scrubbed (they may still quote rows' text;"
                        + " tried again at the next start)");
    }

    /** Replaces every reason that quotes a row's text; answers how many it replaced. */
    public Uni<Long> scrub() {
        return rows(QUOTING_CSV_ROW, CSV_ROW)
                .flatMap(csv -> rows(QUOTING_JSON_LINE, JSON_LINE).map(json -> csv + json))
                .flatMap(rows -> store.imports()
                        .updateMany(quoting("error", QUOTING_HEADER, HEADER), Updates.set("error", HEADER))
                        .map(jobs -> rows + jobs.getModifiedCount()));
    }

    private Uni<Long> rows(Pattern quoting, String replacement) {
        return store.importRejects().updateMany(Filters.and(Filters.eq("errors.0.code", "unreadable"),
                        quoting(REASON, quoting, replacement)), Updates.set(REASON, replacement))
                .map(result -> result.getModifiedCount());
    }

    private static Bson quoting(String field, Pattern quoting, String replacement) {
        return Filters.and(Filters.regex(field, quoting), Filters.ne(field, replacement));
    }
}
