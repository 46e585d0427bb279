package io.portrait.tagging.service;

import io.portrait.common.sink.InvalidRequestException;

import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Scoring's model versions as pushed with model scores: {@code v3} (or {@code 3}), numbered per workspace in the
 * order the models were fitted. Tagging orders pushes by that number, so a version it cannot order is refused.
 */
final class ModelVersions {

    private static final Pattern VERSION = Pattern.compile("v?(\\d{1,18})");

    private ModelVersions() {
    }

    /** The version's number, at least 1. */
    static long number(String modelVersion) {
        Matcher matcher = VERSION.matcher(modelVersion);
        long number = matcher.matches() ? Long.parseLong(matcher.group(1)) : 0;
        if (number < 1) {
            throw new InvalidRequestException("model_version must look like v3 (the scoring model version's number), got \""
                    + modelVersion + "\"");
        }
        return number;
    }
}
