package io.portrait.tagging.engine;

/** How big a rule may get, so that parsing and evaluating stay cheap and bounded whatever the input. */
public final class RuleLimits {

    /** Characters of the text form, bytes of the JSON form. */
    public static final int MAX_SOURCE_LENGTH = 8_000;
    /** Nodes of the tree: conditions and boolean operators. */
    public static final int MAX_NODES = 100;
    /** Nesting of and / or / not. */
    public static final int MAX_DEPTH = 10;
    public static final int MAX_LIST_VALUES = 100;
    public static final int MAX_STRING_LENGTH = 200;
    public static final int MAX_FILTERS = 10;
    /** Ten years. */
    public static final int MAX_DAYS = 3_650;

    private RuleLimits() {
    }
}
