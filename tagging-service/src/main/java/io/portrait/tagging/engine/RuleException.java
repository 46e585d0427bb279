package io.portrait.tagging.engine;

/**
 * A rule that cannot be accepted; {@code position} says where: "line 1, column 17" for the text form,
 * a JSON path such as {@code $.all[1].op} for the JSON form.
 */
public class RuleException extends IllegalArgumentException {

    private final String position;
    private final String reason;

    public RuleException(String position, String reason) {
        super(position + ": " + reason);
        this.position = position;
        this.reason = reason;
    }

    public String position() {
        return position;
    }

    public String reason() {
        return reason;
    }
}
