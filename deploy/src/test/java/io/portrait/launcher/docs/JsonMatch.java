package io.portrait.launcher.docs;

import com.fasterxml.jackson.databind.JsonNode;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;

import static org.assertj.core.api.Assertions.fail;

/**
 * Whether an actual JSON answer matches a documented one. Documented objects name the members that must be
 * there (an answer may carry more); arrays must have the same elements in any order; {@code "..."} matches
 * any value; {@code "{{name}}"} captures a value the first time and must equal it afterwards.
 */
final class JsonMatch {

    private static final String ANY = "...";

    private JsonMatch() {
    }

    static void assertMatches(JsonNode documented, JsonNode actual, Map<String, String> captured) {
        List<String> problems = new ArrayList<>();
        Map<String, String> bindings = new HashMap<>(captured);
        if (!matches(documented, actual, "$", bindings, problems)) {
            fail("answer does not match the documentation:\n  " + String.join("\n  ", problems)
                    + "\ndocumented: " + documented + "\nactual:     " + actual);
        }
        captured.putAll(bindings);
    }

    private static boolean matches(JsonNode doc, JsonNode actual, String path, Map<String, String> bindings,
                                   List<String> problems) {
        if (doc.isTextual() && doc.textValue().equals(ANY)) {
            if (actual == null || actual.isMissingNode()) {
                problems.add(path + " is missing");
                return false;
            }
            return true;
        }
        if (doc.isTextual() && doc.textValue().matches("\\{\\{\\w+}}")) {
            String name = doc.textValue().substring(2, doc.textValue().length() - 2);
            if (actual == null || !actual.isValueNode()) {
                problems.add(path + " should be a value to capture as " + name);
                return false;
            }
            String bound = bindings.putIfAbsent(name, actual.asText());
            if (bound != null && !bound.equals(actual.asText())) {
                problems.add(path + " is " + actual.asText() + ", expected " + name + " = " + bound);
                return false;
            }
            return true;
        }
        if (actual == null || actual.isMissingNode()) {
            problems.add(path + " is missing");
            return false;
        }
        if (doc.isObject()) {
            if (!actual.isObject()) {
                problems.add(path + " should be an object");
                return false;
            }
            boolean ok = true;
            for (Iterator<Map.Entry<String, JsonNode>> it = doc.fields(); it.hasNext(); ) {
                Map.Entry<String, JsonNode> member = it.next();
                ok &= matches(member.getValue(), actual.get(member.getKey()), path + "." + member.getKey(), bindings, problems);
            }
            return ok;
        }
        if (doc.isArray()) {
            if (!actual.isArray() || actual.size() != doc.size()) {
                problems.add(path + " should be an array of " + doc.size() + ", is " + actual);
                return false;
            }
            List<JsonNode> unmatched = new ArrayList<>();
            actual.forEach(unmatched::add);
            for (int i = 0; i < doc.size(); i++) {
                JsonNode expected = doc.get(i);
                JsonNode found = null;
                for (JsonNode candidate : unmatched) {
                    Map<String, String> trial = new HashMap<>(bindings);
                    if (matches(expected, candidate, path + "[" + i + "]", trial, new ArrayList<>())) {
                        bindings.putAll(trial);
                        found = candidate;
                        break;
                    }
                }
                if (found == null) {
                    problems.add(path + "[" + i + "] " + expected + " has no match in " + actual);
                    return false;
                }
                unmatched.remove(found);
            }
            return true;
        }
        if (doc.isNumber() && actual.isNumber()) {
            if (doc.decimalValue().compareTo(actual.decimalValue()) != 0) {
                problems.add(path + " is " + actual + ", documented " + doc);
                return false;
            }
            return true;
        }
        if (!doc.equals(actual)) {
            problems.add(path + " is " + actual + ", documented " + doc);
            return false;
        }
        return true;
    }
}
