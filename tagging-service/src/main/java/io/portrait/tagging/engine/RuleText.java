package io.portrait.tagging.engine;

import io.portrait.tagging.engine.RuleNode.Aggregate;
import io.portrait.tagging.engine.RuleNode.AggregateCondition;
import io.portrait.tagging.engine.RuleNode.AggregateFunction;
import io.portrait.tagging.engine.RuleNode.All;
import io.portrait.tagging.engine.RuleNode.Any;
import io.portrait.tagging.engine.RuleNode.Did;
import io.portrait.tagging.engine.RuleNode.EventPattern;
import io.portrait.tagging.engine.RuleNode.FieldCondition;
import io.portrait.tagging.engine.RuleNode.Not;
import io.portrait.tagging.engine.RuleNode.PropertyCondition;

import java.math.BigDecimal;
import java.math.MathContext;
import java.math.RoundingMode;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * The concise text form of the rule language: a hand-written recursive-descent parser over a closed grammar,
 * and the printer that writes a tree back in it.
 *
 * <pre>
 * rule      := or
 * or        := and ("or" and)*
 * and       := unary ("and" unary)*
 * unary     := "not" unary | "(" or ")" | did | aggregate | field
 * did       := "did" ["not"] pattern ["then" pattern "within" DAYS] ["last" DAYS]
 * aggregate := FN "(" [PROPERTY "of"] pattern ["last" DAYS] ")" op literal      FN: count sum avg min max distinct
 * field     := ("trait" | "tag" | "metric" | "consent") "." NAME op [literal]
 * pattern   := STRING ["[" PROPERTY op [literal] ("," PROPERTY op [literal])* "]"]
 * op        := "=" | "!=" | "&lt;" | "&lt;=" | "&gt;" | "&gt;=" | "in" | "contains" | "exists"
 * literal   := STRING | NUMBER | "true" | "false" | "[" literal ("," literal)* "]"
 * DAYS      := digits "d"
 * </pre>
 * Example: {@code did "Order Completed" [channel = "app"] last 30d and not tag.vip = "gold"}.
 */
public final class RuleText {

    private static final MathContext SIGNIFICANT_DIGITS = new MathContext(15, RoundingMode.HALF_EVEN);

    /** Longest number the lexer (and the JSON form) reads; a literal longer in plain decimal gets an exponent. */
    private static final int MAX_NUMBER_LENGTH = 40;

    private static final Set<String> KEYWORDS = Set.of("and", "or", "not", "did", "then", "within", "last", "of",
            "in", "contains", "exists", "true", "false");

    private RuleText() {
    }

    /** Parses and validates; the exception's position is "line L, column C" of the offending token. */
    public static RuleNode parse(String source, FieldCatalog catalog) {
        if (source == null || source.isBlank()) {
            throw new RuleException("line 1, column 1", "the rule is empty");
        }
        if (source.length() > RuleLimits.MAX_SOURCE_LENGTH) {
            throw new RuleException("line 1, column 1",
                    "the rule is longer than " + RuleLimits.MAX_SOURCE_LENGTH + " characters");
        }
        Parser parser = new Parser(new Lexer(source).tokens());
        RuleNode root = parser.rule();
        RuleValidator.validate(root, catalog, node -> parser.positions.get(node));
        return root;
    }

    /**
     * Parses an aggregate on its own, e.g. {@code sum(revenue of "Order Completed" last 90d)}: the figure of a
     * metric or tiered tag.
     */
    public static Aggregate parseAggregate(String source, FieldCatalog catalog) {
        if (source == null || source.isBlank()) {
            throw new RuleException("line 1, column 1", "the metric is empty");
        }
        if (source.length() > RuleLimits.MAX_SOURCE_LENGTH) {
            throw new RuleException("line 1, column 1",
                    "the metric is longer than " + RuleLimits.MAX_SOURCE_LENGTH + " characters");
        }
        Parser parser = new Parser(new Lexer(source).tokens());
        Aggregate aggregate = parser.standaloneAggregate();
        // Validated as a comparison with zero, the one shape every aggregate admits.
        RuleValidator.validate(new AggregateCondition(aggregate, RuleOp.GE, new RuleValue.Number(0)), catalog,
                node -> node instanceof AggregateCondition ? parser.positions.get(aggregate) : parser.positions.get(node));
        return aggregate;
    }

    public static String formatAggregate(Aggregate aggregate) {
        String text = format(new AggregateCondition(aggregate, RuleOp.GE, new RuleValue.Number(0)));
        return text.substring(0, text.length() - " >= 0".length());
    }

    /** Writes the tree in the text form; parsing the result gives an equal tree. */
    public static String format(RuleNode node) {
        StringBuilder out = new StringBuilder();
        write(node, out, false);
        return out.toString();
    }

    private static void write(RuleNode node, StringBuilder out, boolean nested) {
        if (node instanceof All all) {
            join(all.children(), " and ", out, nested);
        } else if (node instanceof Any any) {
            join(any.children(), " or ", out, nested);
        } else if (node instanceof Not not) {
            out.append("not ");
            write(not.child(), out, true);
        } else if (node instanceof FieldCondition condition) {
            out.append(condition.field()).append(' ').append(condition.op().symbol());
            if (condition.value() != null) {
                out.append(' ');
                literal(condition.value(), out);
            }
        } else if (node instanceof Did did) {
            out.append(did.negated() ? "did not " : "did ");
            pattern(did.first(), out);
            if (did.then() != null) {
                out.append(" then ");
                pattern(did.then(), out);
                out.append(" within ").append(did.withinDays()).append('d');
            }
            if (did.windowDays() != null) {
                out.append(" last ").append(did.windowDays()).append('d');
            }
        } else if (node instanceof AggregateCondition condition) {
            Aggregate aggregate = condition.aggregate();
            out.append(aggregate.fn().keyword()).append('(');
            if (aggregate.property() != null) {
                out.append(aggregate.property()).append(" of ");
            }
            pattern(aggregate.events(), out);
            if (aggregate.windowDays() != null) {
                out.append(" last ").append(aggregate.windowDays()).append('d');
            }
            out.append(") ").append(condition.op().symbol()).append(' ');
            literal(condition.value(), out);
        }
    }

    private static void join(List<RuleNode> children, String separator, StringBuilder out, boolean nested) {
        if (nested) {
            out.append('(');
        }
        for (int i = 0; i < children.size(); i++) {
            if (i > 0) {
                out.append(separator);
            }
            write(children.get(i), out, true);
        }
        if (nested) {
            out.append(')');
        }
    }

    private static void pattern(EventPattern pattern, StringBuilder out) {
        quote(pattern.event(), out);
        if (!pattern.where().isEmpty()) {
            out.append(" [");
            for (int i = 0; i < pattern.where().size(); i++) {
                PropertyCondition condition = pattern.where().get(i);
                if (i > 0) {
                    out.append(", ");
                }
                out.append(condition.property()).append(' ').append(condition.op().symbol());
                if (condition.value() != null) {
                    out.append(' ');
                    literal(condition.value(), out);
                }
            }
            out.append(']');
        }
    }

    private static void literal(RuleValue value, StringBuilder out) {
        if (value instanceof RuleValue.Text text) {
            quote(text.value(), out);
        } else if (value instanceof RuleValue.Number number) {
            out.append(formatLiteral(number.value()));
        } else if (value instanceof RuleValue.Bool bool) {
            out.append(bool.value());
        } else if (value instanceof RuleValue.ListOf list) {
            out.append('[');
            for (int i = 0; i < list.values().size(); i++) {
                if (i > 0) {
                    out.append(", ");
                }
                literal(list.values().get(i), out);
            }
            out.append(']');
        }
    }

    /**
     * A rule's literal, exactly as the double it holds (the shortest decimal that reads back as it), so that a
     * printed rule parses to the same rule: {@code 1234567890123456} stays that, not {@code 1234567890123460}. Plain
     * decimal, or with an exponent ({@code 1E+300}) where plain decimal would be longer than a number may be.
     */
    public static String formatLiteral(double value) {
        BigDecimal decimal = BigDecimal.valueOf(value).stripTrailingZeros();
        String plain = decimal.toPlainString();
        return plain.length() <= MAX_NUMBER_LENGTH ? plain : decimal.toString();
    }

    /**
     * A computed figure (a tag's value, a metric in a reason) in plain decimal with at most 15 significant digits,
     * all that a double holds reliably after arithmetic: a sum of amounts reads as the amounts add up
     * ({@code 11938.26}, not {@code 11938.259999999997}), and no exponent. Not for a rule's literals
     * ({@link #formatLiteral}), which are printed exactly.
     */
    static String formatNumber(double value) {
        if (value == Math.rint(value) && Math.abs(value) < 1e15) {
            return Long.toString((long) value);
        }
        if (!Double.isFinite(value)) {
            return Double.toString(value);
        }
        BigDecimal decimal = BigDecimal.valueOf(value);
        if (decimal.precision() > SIGNIFICANT_DIGITS.getPrecision()) {
            decimal = decimal.round(SIGNIFICANT_DIGITS);
        }
        return decimal.stripTrailingZeros().toPlainString();
    }

    private static void quote(String text, StringBuilder out) {
        out.append('"');
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            switch (c) {
                case '"' -> out.append("\\\"");
                case '\\' -> out.append("\\\\");
                case '\n' -> out.append("\\n");
                case '\t' -> out.append("\\t");
                case '\r' -> out.append("\\r");
                default -> {
                    if (c < 0x20) {
                        out.append(String.format("\\u%04x", (int) c));
                    } else {
                        out.append(c);
                    }
                }
            }
        }
        out.append('"');
    }

    private enum Kind { WORD, STRING, NUMBER, DAYS, SYMBOL, END }

    private record Token(Kind kind, String text, String position) {
    }

    private static final class Lexer {
        private final String source;
        private final List<Token> tokens = new ArrayList<>();
        private int index;
        private int line = 1;
        private int lineStart;

        Lexer(String source) {
            this.source = source;
        }

        List<Token> tokens() {
            while (true) {
                skipSpace();
                if (index >= source.length()) {
                    tokens.add(new Token(Kind.END, "end of rule", position()));
                    return tokens;
                }
                char c = source.charAt(index);
                String position = position();
                if (c == '"') {
                    tokens.add(new Token(Kind.STRING, string(position), position));
                } else if (isDigit(c) || (c == '-' && index + 1 < source.length()
                        && isDigit(source.charAt(index + 1)))) {
                    number(position);
                } else if (isWordStart(c)) {
                    int start = index;
                    while (index < source.length() && (isWordPart(source.charAt(index)))) {
                        index++;
                    }
                    tokens.add(new Token(Kind.WORD, source.substring(start, index), position));
                } else if ("()[],".indexOf(c) >= 0) {
                    index++;
                    tokens.add(new Token(Kind.SYMBOL, String.valueOf(c), position));
                } else if (c == '=' ) {
                    index++;
                    tokens.add(new Token(Kind.SYMBOL, "=", position));
                } else if (c == '!' || c == '<' || c == '>') {
                    index++;
                    if (index < source.length() && source.charAt(index) == '=') {
                        index++;
                        tokens.add(new Token(Kind.SYMBOL, c + "=", position));
                    } else if (c == '!') {
                        throw new RuleException(position, "'!' must be followed by '='");
                    } else {
                        tokens.add(new Token(Kind.SYMBOL, String.valueOf(c), position));
                    }
                } else {
                    throw new RuleException(position, "unexpected character '" + printable(c) + "'");
                }
            }
        }

        private void skipSpace() {
            while (index < source.length() && Character.isWhitespace(source.charAt(index))) {
                if (source.charAt(index) == '\n') {
                    line++;
                    lineStart = index + 1;
                }
                index++;
            }
        }

        private String position() {
            return "line " + line + ", column " + (index - lineStart + 1);
        }

        private String string(String position) {
            StringBuilder text = new StringBuilder();
            index++;
            while (true) {
                if (index >= source.length()) {
                    throw new RuleException(position, "unterminated string");
                }
                char c = source.charAt(index++);
                if (c == '"') {
                    return text.toString();
                }
                if (c == '\n') {
                    throw new RuleException(position, "unterminated string");
                }
                if (c == '\\') {
                    if (index >= source.length()) {
                        throw new RuleException(position, "unterminated string");
                    }
                    char escaped = source.charAt(index++);
                    switch (escaped) {
                        case '"' -> text.append('"');
                        case '\\' -> text.append('\\');
                        case 'n' -> text.append('\n');
                        case 't' -> text.append('\t');
                        case 'r' -> text.append('\r');
                        case 'u' -> {
                            if (index + 4 > source.length()) {
                                throw new RuleException(position, "incomplete \\u escape");
                            }
                            try {
                                text.append((char) Integer.parseInt(source.substring(index, index + 4), 16));
                            } catch (NumberFormatException e) {
                                throw new RuleException(position, "invalid \\u escape");
                            }
                            index += 4;
                        }
                        default -> throw new RuleException(position, "unknown escape \\" + printable(escaped));
                    }
                } else {
                    text.append(c);
                }
                if (text.length() > RuleLimits.MAX_STRING_LENGTH) {
                    throw new RuleException(position,
                            "string longer than " + RuleLimits.MAX_STRING_LENGTH + " characters");
                }
            }
        }

        private void number(String position) {
            int start = index;
            if (source.charAt(index) == '-') {
                index++;
            }
            while (index < source.length() && isDigit(source.charAt(index))) {
                index++;
            }
            if (index < source.length() && source.charAt(index) == 'd') {
                index++;
                if (index < source.length() && isWordPart(source.charAt(index))) {
                    throw new RuleException(position, "a duration is written like 30d");
                }
                tokens.add(new Token(Kind.DAYS, source.substring(start, index - 1), position));
                return;
            }
            if (index < source.length() && source.charAt(index) == '.') {
                index++;
                int digits = index;
                while (index < source.length() && isDigit(source.charAt(index))) {
                    index++;
                }
                if (index == digits) {
                    throw new RuleException(position, "a decimal point needs digits after it");
                }
            }
            if (index < source.length() && (source.charAt(index) == 'e' || source.charAt(index) == 'E')) {
                index++;
                if (index < source.length() && (source.charAt(index) == '+' || source.charAt(index) == '-')) {
                    index++;
                }
                int digits = index;
                while (index < source.length() && isDigit(source.charAt(index))) {
                    index++;
                }
                if (index == digits) {
                    throw new RuleException(position, "an exponent needs digits");
                }
            }
            if (index < source.length() && isWordPart(source.charAt(index))) {
                throw new RuleException(position, "malformed number");
            }
            if (index - start > MAX_NUMBER_LENGTH) {
                throw new RuleException(position, "number too long");
            }
            tokens.add(new Token(Kind.NUMBER, source.substring(start, index), position));
        }

        private static boolean isDigit(char c) {
            return c >= '0' && c <= '9';
        }

        private static boolean isWordStart(char c) {
            return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_';
        }

        private static boolean isWordPart(char c) {
            return isWordStart(c) || (c >= '0' && c <= '9') || c == '.';
        }
    }

    static String printable(char c) {
        return c < 0x20 || c > 0x7e ? String.format("\\u%04x", (int) c) : String.valueOf(c);
    }

    private static final class Parser {
        private final List<Token> tokens;
        private final Map<Object, String> positions = new IdentityHashMap<>();
        private int index;
        private int depth;
        private int nodes;

        Parser(List<Token> tokens) {
            this.tokens = tokens;
        }

        RuleNode rule() {
            RuleNode root = or();
            Token next = peek();
            if (next.kind() != Kind.END) {
                throw new RuleException(next.position(), "expected 'and', 'or' or the end of the rule, found "
                        + describe(next));
            }
            return root;
        }

        private RuleNode or() {
            Token start = peek();
            List<RuleNode> children = new ArrayList<>();
            children.add(and());
            while (isWord("or")) {
                index++;
                children.add(and());
            }
            return children.size() == 1 ? children.get(0) : node(new Any(children), start);
        }

        private RuleNode and() {
            Token start = peek();
            List<RuleNode> children = new ArrayList<>();
            children.add(unary());
            while (isWord("and")) {
                index++;
                children.add(unary());
            }
            return children.size() == 1 ? children.get(0) : node(new All(children), start);
        }

        private RuleNode unary() {
            Token token = peek();
            if (isWord("not")) {
                index++;
                enter(token);
                RuleNode child = unary();
                depth--;
                return node(new Not(child), token);
            }
            if (isSymbol("(")) {
                index++;
                enter(token);
                RuleNode inner = or();
                depth--;
                expectSymbol(")");
                return inner;
            }
            if (isWord("did")) {
                index++;
                return did(token);
            }
            if (token.kind() == Kind.WORD && AggregateFunction.fromKeyword(token.text()) != null
                    && peekAt(1).kind() == Kind.SYMBOL && peekAt(1).text().equals("(")) {
                index += 2;
                return aggregate(token);
            }
            if (token.kind() == Kind.WORD && !KEYWORDS.contains(token.text())) {
                index++;
                if (token.text().indexOf('.') < 0) {
                    throw new RuleException(token.position(), "expected a field such as trait." + token.text()
                            + ", tag." + token.text() + " or metric." + token.text());
                }
                RuleOp op = op();
                RuleValue value = op == RuleOp.EXISTS ? null : literal();
                return node(new FieldCondition(token.text(), op, value), token);
            }
            throw new RuleException(token.position(), "expected a condition, found " + describe(token));
        }

        private RuleNode did(Token start) {
            boolean negated = false;
            if (isWord("not")) {
                index++;
                negated = true;
            }
            EventPattern first = pattern();
            EventPattern then = null;
            Integer within = null;
            if (isWord("then")) {
                index++;
                then = pattern();
                expectWord("within");
                within = days();
            }
            Integer window = null;
            if (isWord("last")) {
                index++;
                window = days();
            }
            return node(new Did(negated, first, then, within, window), start);
        }

        Aggregate standaloneAggregate() {
            Token start = peek();
            if (start.kind() != Kind.WORD || AggregateFunction.fromKeyword(start.text()) == null
                    || !(peekAt(1).kind() == Kind.SYMBOL && peekAt(1).text().equals("("))) {
                throw new RuleException(start.position(), "expected count(, sum(, avg(, min(, max( or distinct(");
            }
            index += 2;
            Aggregate aggregate = aggregateBody(start);
            if (peek().kind() != Kind.END) {
                throw new RuleException(peek().position(), "expected the end, found " + describe(peek()));
            }
            return aggregate;
        }

        private RuleNode aggregate(Token start) {
            Aggregate aggregate = aggregateBody(start);
            RuleOp op = op();
            RuleValue value = literal();
            return node(new AggregateCondition(aggregate, op, value), start);
        }

        private Aggregate aggregateBody(Token start) {
            AggregateFunction fn = AggregateFunction.fromKeyword(start.text());
            String property = null;
            Token token = peek();
            if (token.kind() == Kind.WORD && !KEYWORDS.contains(token.text())) {
                index++;
                property = token.text();
                expectWord("of");
            }
            EventPattern events = pattern();
            Integer window = null;
            if (isWord("last")) {
                index++;
                window = days();
            }
            expectSymbol(")");
            Aggregate aggregate = new Aggregate(fn, property, events, window);
            positions.put(aggregate, start.position());
            return aggregate;
        }

        private EventPattern pattern() {
            Token name = peek();
            if (name.kind() != Kind.STRING) {
                throw new RuleException(name.position(), "expected an event name in quotes, found " + describe(name));
            }
            index++;
            List<PropertyCondition> where = new ArrayList<>();
            if (isSymbol("[")) {
                index++;
                do {
                    Token property = peek();
                    if (property.kind() != Kind.WORD || KEYWORDS.contains(property.text())) {
                        throw new RuleException(property.position(), "expected an event property, found "
                                + describe(property));
                    }
                    index++;
                    RuleOp op = op();
                    RuleValue value = op == RuleOp.EXISTS ? null : literal();
                    PropertyCondition condition = new PropertyCondition(property.text(), op, value);
                    positions.put(condition, property.position());
                    where.add(condition);
                    if (where.size() > RuleLimits.MAX_FILTERS) {
                        throw new RuleException(property.position(),
                                "at most " + RuleLimits.MAX_FILTERS + " conditions per event");
                    }
                } while (acceptSymbol(","));
                expectSymbol("]");
            }
            EventPattern pattern = new EventPattern(name.text(), where);
            positions.put(pattern, name.position());
            return pattern;
        }

        private RuleOp op() {
            Token token = peek();
            RuleOp op = (token.kind() == Kind.SYMBOL || token.kind() == Kind.WORD)
                    ? RuleOp.fromSymbol(token.text()) : null;
            if (op == null) {
                throw new RuleException(token.position(), "expected an operator (=, !=, <, <=, >, >=, in, contains,"
                        + " exists), found " + describe(token));
            }
            index++;
            return op;
        }

        private RuleValue literal() {
            Token token = peek();
            if (isSymbol("[")) {
                index++;
                List<RuleValue> values = new ArrayList<>();
                do {
                    Token item = peek();
                    RuleValue value = scalar();
                    values.add(value);
                    if (values.size() > RuleLimits.MAX_LIST_VALUES) {
                        throw new RuleException(item.position(),
                                "at most " + RuleLimits.MAX_LIST_VALUES + " values in a list");
                    }
                } while (acceptSymbol(","));
                expectSymbol("]");
                RuleValue list = new RuleValue.ListOf(values);
                positions.put(list, token.position());
                return list;
            }
            return scalar();
        }

        private RuleValue scalar() {
            Token token = peek();
            RuleValue value = switch (token.kind()) {
                case STRING -> new RuleValue.Text(token.text());
                case NUMBER -> {
                    double number = Double.parseDouble(token.text());
                    if (!Double.isFinite(number)) {
                        throw new RuleException(token.position(), "number out of range");
                    }
                    yield new RuleValue.Number(number);
                }
                case WORD -> switch (token.text()) {
                    case "true" -> new RuleValue.Bool(true);
                    case "false" -> new RuleValue.Bool(false);
                    default -> null;
                };
                default -> null;
            };
            if (value == null) {
                throw new RuleException(token.position(), "expected a value (\"text\", a number, true or false),"
                        + " found " + describe(token));
            }
            index++;
            positions.put(value, token.position());
            return value;
        }

        private int days() {
            Token token = peek();
            if (token.kind() != Kind.DAYS) {
                throw new RuleException(token.position(), "expected a number of days such as 30d, found "
                        + describe(token));
            }
            index++;
            try {
                int days = Integer.parseInt(token.text());
                if (days >= 1 && days <= RuleLimits.MAX_DAYS) {
                    return days;
                }
            } catch (NumberFormatException ignored) {
                // out of int range: reported below like any other out-of-range value
            }
            throw new RuleException(token.position(), "days must be between 1 and " + RuleLimits.MAX_DAYS);
        }

        private void enter(Token token) {
            if (++depth > RuleLimits.MAX_DEPTH) {
                throw new RuleException(token.position(), "nested deeper than " + RuleLimits.MAX_DEPTH + " levels");
            }
        }

        private <T extends RuleNode> T node(T node, Token start) {
            if (++nodes > RuleLimits.MAX_NODES) {
                throw new RuleException(start.position(), "more than " + RuleLimits.MAX_NODES + " conditions");
            }
            positions.put(node, start.position());
            return node;
        }

        private Token peek() {
            return tokens.get(index);
        }

        private Token peekAt(int ahead) {
            return tokens.get(Math.min(index + ahead, tokens.size() - 1));
        }

        private boolean isWord(String word) {
            return peek().kind() == Kind.WORD && peek().text().equals(word);
        }

        private boolean isSymbol(String symbol) {
            return peek().kind() == Kind.SYMBOL && peek().text().equals(symbol);
        }

        private boolean acceptSymbol(String symbol) {
            if (isSymbol(symbol)) {
                index++;
                return true;
            }
            return false;
        }

        private void expectSymbol(String symbol) {
            if (!acceptSymbol(symbol)) {
                throw new RuleException(peek().position(), "expected '" + symbol + "', found " + describe(peek()));
            }
        }

        private void expectWord(String word) {
            if (!isWord(word)) {
                throw new RuleException(peek().position(), "expected '" + word + "', found " + describe(peek()));
            }
            index++;
        }

        private static String describe(Token token) {
            return switch (token.kind()) {
                case END -> "the end of the rule";
                case STRING -> "a string";
                case NUMBER -> "the number " + token.text();
                case DAYS -> "the duration " + token.text() + "d";
                default -> "'" + token.text() + "'";
            };
        }
    }
}
