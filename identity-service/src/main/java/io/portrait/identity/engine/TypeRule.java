package io.portrait.identity.engine;

import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The deployment's rule for one identifier type. {@code priority}: higher is trusted more, and the lowest is
 * demoted first when an event would break a limit. {@code unique}: a person has one value of this type (user id,
 * national id), so two profiles holding different values are never merged. Blocked values (exact, in normalized
 * form) and patterns (whole-value regular expressions) are never stored nor matched.
 */
public record TypeRule(int priority, boolean unique, Optional<IdentifierLimit> limit, Set<String> blockedValues,
                       List<Pattern> blockedPatterns) {

    /** A type the deployment did not configure: lowest priority, no limit, nothing blocked. */
    public static final TypeRule DEFAULT = new TypeRule(0, false, Optional.empty(), Set.of(), List.of());

    public TypeRule {
        blockedValues = Set.copyOf(blockedValues);
        blockedPatterns = List.copyOf(blockedPatterns);
    }

    public boolean blocks(String normalizedValue) {
        return blockedValues.contains(normalizedValue)
                || blockedPatterns.stream().anyMatch(pattern -> pattern.matcher(normalizedValue).matches());
    }
}
