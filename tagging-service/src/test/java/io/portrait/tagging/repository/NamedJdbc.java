package io.portrait.tagging.repository;

import java.sql.Connection;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Runs {@link SegmentSql}'s named-parameter SQL over plain JDBC, for tests and benchmarks without Quarkus. */
final class NamedJdbc {

    private static final Pattern PARAMETER = Pattern.compile("(?<![:\\w]):([a-zA-Z]\\w*)");

    private NamedJdbc() {
    }

    static long single(Connection connection, String sql, Map<String, Object> params) throws SQLException {
        try (PreparedStatement statement = prepare(connection, sql, params); ResultSet rs = statement.executeQuery()) {
            rs.next();
            return rs.getLong(1);
        }
    }

    static List<String> strings(Connection connection, String sql, Map<String, Object> params) throws SQLException {
        List<String> values = new ArrayList<>();
        try (PreparedStatement statement = prepare(connection, sql, params); ResultSet rs = statement.executeQuery()) {
            while (rs.next()) {
                values.add(rs.getString(1));
            }
        }
        return values;
    }

    /** Binds named parameters (as Hibernate does, lists expanded) to JDBC positions. */
    static PreparedStatement prepare(Connection connection, String sql, Map<String, Object> params)
            throws SQLException {
        List<Object> values = new ArrayList<>();
        Matcher matcher = PARAMETER.matcher(sql);
        StringBuilder positional = new StringBuilder();
        while (matcher.find()) {
            Object value = params.get(matcher.group(1));
            if (value instanceof Collection<?> items) {
                values.addAll(items);
                matcher.appendReplacement(positional, String.join(", ", Collections.nCopies(items.size(), "?")));
            } else {
                values.add(value);
                matcher.appendReplacement(positional, "?");
            }
        }
        matcher.appendTail(positional);
        PreparedStatement statement = connection.prepareStatement(positional.toString());
        for (int i = 0; i < values.size(); i++) {
            statement.setObject(i + 1, values.get(i));
        }
        return statement;
    }
}
