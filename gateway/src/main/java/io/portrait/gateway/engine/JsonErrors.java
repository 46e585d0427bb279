package io.portrait.gateway.engine;

import com.fasterxml.jackson.core.JsonProcessingException;

import java.util.regex.Pattern;

/** What a caller is told about JSON it sent that could not be read: the parser's words, without its internals. */
public final class JsonErrors {

    private static final Pattern START_MARKER =
            Pattern.compile("\\(start marker at \\[Source: [^;\\]]*; line: (\\d+), column: (\\d+)]\\)");
    private static final Pattern SOURCE = Pattern.compile("\\[Source: [^;\\]]*; (line: \\d+, column: \\d+)]");

    private JsonErrors() {
    }

    /**
     * The parser's message without its source description, e.g. {@code Unexpected end-of-input: expected close
     * marker for Object (opened at line 1, column 1)}.
     */
    public static String describe(JsonProcessingException e) {
        String message = String.valueOf(e.getOriginalMessage());
        message = START_MARKER.matcher(message).replaceAll("(opened at line $1, column $2)");
        return SOURCE.matcher(message).replaceAll("[$1]");
    }
}
