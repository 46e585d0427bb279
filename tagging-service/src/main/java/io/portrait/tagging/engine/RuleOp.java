package io.portrait.tagging.engine;

/** Comparison operators; each has its text symbol and its JSON name. */
public enum RuleOp {
    EQ("=", "eq"),
    NE("!=", "ne"),
    LT("<", "lt"),
    LE("<=", "le"),
    GT(">", "gt"),
    GE(">=", "ge"),
    IN("in", "in"),
    CONTAINS("contains", "contains"),
    EXISTS("exists", "exists");

    private final String symbol;
    private final String jsonName;

    RuleOp(String symbol, String jsonName) {
        this.symbol = symbol;
        this.jsonName = jsonName;
    }

    public String symbol() {
        return symbol;
    }

    public String jsonName() {
        return jsonName;
    }

    public boolean ordering() {
        return this == LT || this == LE || this == GT || this == GE;
    }

    public static RuleOp fromJsonName(String name) {
        for (RuleOp op : values()) {
            if (op.jsonName.equals(name)) {
                return op;
            }
        }
        return null;
    }

    public static RuleOp fromSymbol(String symbol) {
        for (RuleOp op : values()) {
            if (op.symbol.equals(symbol)) {
                return op;
            }
        }
        return null;
    }
}
