package io.portrait.ingestion.engine;

import java.io.IOException;
import java.io.Reader;

/**
 * Splits CSV text into records, one at a time, without parsing their fields: a line break ends a record unless it
 * is inside a quoted field (a field whose first non-blank character is a double quote, {@code ""} inside it being a
 * quote). So a record that is not valid CSV costs that record only: the next one starts after its line break.
 *
 * <p>A quote that is never closed would make the rest of the file one record. When the file ends inside a quoted
 * field, or a quoted field grows past {@link #MAX_RECORD} characters, only the record's first line is answered (as
 * {@linkplain Record#unclosedQuote() unclosed}) and splitting starts again with the line after it.
 */
final class CsvRecords {

    /** One record's text, without its line break. */
    record Record(String text, boolean unclosedQuote) {
    }

    static final int MAX_RECORD = 1 << 20;

    /** Where a character is in a record: what splits records here and finds a character's cell in a reject. */
    enum State {
        FIELD_START, UNQUOTED, QUOTED, QUOTE_IN_QUOTED;

        /**
         * The state after {@code c}: a cell is quoted when its first non-blank character is a quote; a quote in
         * quotes closes them or is the first of a doubled one; text after a closing quote stays in its cell.
         */
        State after(int c) {
            return switch (this) {
                case FIELD_START -> c == '"' ? QUOTED : c == ',' || c == ' ' || c == '\t' ? FIELD_START : UNQUOTED;
                case UNQUOTED -> c == ',' ? FIELD_START : UNQUOTED;
                case QUOTED -> c == '"' ? QUOTE_IN_QUOTED : QUOTED;
                case QUOTE_IN_QUOTED -> c == '"' ? QUOTED : c == ',' ? FIELD_START : UNQUOTED;
            };
        }
    }

    private final Reader in;
    /** Characters given back, read before {@link #in}. */
    private final StringBuilder pending = new StringBuilder();
    private int pendingAt;

    /** @param in read one character at a time: give a buffered reader */
    CsvRecords(Reader in) {
        this.in = in;
    }

    /** The next record, or null at the end of the text. */
    Record next() throws IOException {
        StringBuilder text = new StringBuilder();
        State state = State.FIELD_START;
        int c = read();
        if (c < 0) {
            return null;
        }
        for (; c >= 0; c = read()) {
            if (state != State.QUOTED && (c == '\n' || c == '\r')) {
                if (c == '\r') {
                    int after = read();
                    if (after >= 0 && after != '\n') {
                        giveBack(String.valueOf((char) after));
                    }
                }
                return new Record(text.toString(), false);
            }
            text.append((char) c);
            state = state.after(c);
            if (state == State.QUOTED && text.length() > MAX_RECORD) {
                break;
            }
        }
        if (state != State.QUOTED) {
            return new Record(text.toString(), false);
        }
        int lineEnd = lineBreak(text);
        if (lineEnd < 0) {
            return new Record(text.toString(), true);
        }
        int restAt = text.charAt(lineEnd) == '\r' && lineEnd + 1 < text.length() && text.charAt(lineEnd + 1) == '\n'
                ? lineEnd + 2 : lineEnd + 1;
        giveBack(text.substring(restAt));
        return new Record(text.substring(0, lineEnd), true);
    }

    private static int lineBreak(CharSequence text) {
        for (int i = 0; i < text.length(); i++) {
            if (text.charAt(i) == '\n' || text.charAt(i) == '\r') {
                return i;
            }
        }
        return -1;
    }

    private int read() throws IOException {
        if (pendingAt < pending.length()) {
            return pending.charAt(pendingAt++);
        }
        if (pendingAt > 0) {
            pending.setLength(0);
            pendingAt = 0;
        }
        return in.read();
    }

    private void giveBack(String text) {
        pending.replace(0, pendingAt, "");
        pending.insert(0, text);
        pendingAt = 0;
    }
}
