package io.portrait.identity.config;

import io.portrait.common.identifier.IdentifierNormalizer;
import io.portrait.common.identifier.NormalizedIdentifier;
import io.portrait.common.pii.PiiCipher;
import io.portrait.identity.engine.IdentifierLimit;
import io.portrait.identity.engine.IdentityRules;
import io.portrait.identity.engine.PersonTraits;
import io.portrait.identity.engine.ProbabilisticMatcher;
import io.portrait.identity.engine.Survivorship;
import io.portrait.identity.engine.SurvivorshipRule;
import io.portrait.identity.engine.TypeRule;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.time.Clock;
import java.util.Arrays;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/** The common helpers and the matching rules, built once from this service's configuration. */
@Singleton
public class IdentityBeans {

    /** The service's clock: when events were resolved and profiles created. Merges are timed by the database's. */
    @Produces
    @Singleton
    Clock clock() {
        return Clock.systemUTC();
    }

    @Produces
    @Singleton
    PiiCipher piiCipher(PiiConfig config) {
        return PiiCipher.fromBase64(config.hashKey(), config.encryptionKey());
    }

    @Produces
    @Singleton
    IdentifierNormalizer identifierNormalizer(IdentityConfig config) {
        return new IdentifierNormalizer(config.defaultRegion(), List.of());
    }

    @Produces
    @Singleton
    Survivorship survivorship(IdentityConfig config) {
        String prefix = "portrait.identity.survivorship.";
        Map<String, SurvivorshipRule> rules = new HashMap<>();
        config.survivorship().traits().forEach((trait, rule) -> rules.put(trait, rule(prefix + "traits." + trait, rule)));
        return new Survivorship(rule(prefix + "default-rule", config.survivorship().defaultRule()), rules,
                config.survivorship().sourcePriority().map(ListSetting::items).orElse(List.of()));
    }

    private static SurvivorshipRule rule(String property, String text) {
        try {
            return SurvivorshipRule.parse(text);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(property + ": " + e.getMessage(), e);
        }
    }

    @Produces
    @Singleton
    PersonTraits personTraits(IdentityConfig config) {
        try {
            return new PersonTraits(config.probabilistic().traits());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("portrait.identity.probabilistic.traits: " + e.getMessage(), e);
        }
    }

    /** Fails the start on thresholds or probabilities that cannot be right, naming the property. */
    @Produces
    @Singleton
    ProbabilisticMatcher probabilisticMatcher(IdentityConfig config) {
        IdentityConfig.Probabilistic probabilistic = config.probabilistic();
        try {
            return new ProbabilisticMatcher(probabilistic.matchPrior(), levels("m", probabilistic.m()),
                    levels("u", probabilistic.u()), probabilistic.upperThreshold(), probabilistic.lowerThreshold());
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("portrait.identity.probabilistic: " + e.getMessage(), e);
        }
    }

    private static Map<String, double[]> levels(String name, Map<String, String> configured) {
        Map<String, double[]> levels = new HashMap<>();
        configured.forEach((field, text) -> {
            try {
                levels.put(field, Arrays.stream(text.split(",")).map(String::strip)
                        .mapToDouble(Double::parseDouble).toArray());
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(name + "." + field + ": not a list of numbers", e);
            }
        });
        return levels;
    }

    /** Fails the start on a rule that cannot be right (unknown type, bad limit or pattern), naming the property. */
    @Produces
    @Singleton
    IdentityRules identityRules(IdentityConfig config, IdentifierNormalizer normalizer) {
        Map<String, TypeRule> rules = new HashMap<>();
        config.rules().types().forEach((type, rule) -> {
            String prefix = "portrait.identity.rules.types." + type + ".";
            if (!IdentifierNormalizer.TYPES.contains(type)) {
                throw new IllegalArgumentException(prefix + "*: unknown identifier type '" + type + "'");
            }
            IdentifierLimit limit;
            try {
                limit = rule.limit().map(IdentifierLimit::parse).orElse(null);
            } catch (RuntimeException e) {
                throw new IllegalArgumentException(prefix + "limit: " + e.getMessage(), e);
            }
            Set<String> blockedValues = new HashSet<>();
            for (String value : rule.blockedValues().map(ListSetting::items).orElse(List.of())) {
                NormalizedIdentifier normalized = normalizer.normalize(type, value);
                // A value the normalizer rejects can never reach matching; blocking it is a configuration mistake.
                if (normalized.outcome() == NormalizedIdentifier.Outcome.INVALID) {
                    throw new IllegalArgumentException(prefix + "blocked-values: a value is not a valid " + type
                            + " (" + normalized.reason() + ")");
                }
                blockedValues.add(normalized.value());
            }
            List<Pattern> blockedPatterns = rule.blockedPatterns().map(ListSetting::items).orElse(List.of()).stream()
                    .map(regex -> pattern(prefix + "blocked-patterns", regex))
                    .toList();
            rules.put(type, new TypeRule(rule.priority(), rule.unique(), Optional.ofNullable(limit),
                    blockedValues, blockedPatterns));
        });
        return new IdentityRules(rules);
    }

    private static Pattern pattern(String property, String regex) {
        try {
            return Pattern.compile(regex);
        } catch (PatternSyntaxException e) {
            throw new IllegalArgumentException(property + ": " + e.getDescription(), e);
        }
    }
}
