package io.portrait.identity.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;

import java.time.Duration;
import java.util.Map;
import java.util.Optional;

@ConfigMapping(prefix = "portrait.identity")
public interface IdentityConfig {

    /** Region assumed for phone numbers written without a country code; must match ingestion's. */
    @WithDefault("CN")
    String defaultRegion();

    Resolve resolve();

    Rules rules();

    Survivorship survivorship();

    Probabilistic probabilistic();

    interface Resolve {

        /** Transactions tried per sighting before the call answers UNAVAILABLE. */
        @WithDefault("10")
        int maxAttempts();

        /** Pause before the first retry; it doubles per attempt and is randomized so colliding replicas spread out. */
        @WithDefault("5ms")
        Duration retryBackoff();

        @WithDefault("200ms")
        Duration maxRetryBackoff();
    }

    /** The deployment's matching rules, per identifier type ({@code portrait.identity.rules.types.<type>.*}). */
    interface Rules {

        Map<String, TypeRuleConfig> types();
    }

    /** How the golden record picks one value per trait ({@code portrait.identity.survivorship.*}). */
    interface Survivorship {

        /** source-priority, most-recent or most-frequent, for traits without a rule of their own. */
        @WithDefault("most-recent")
        String defaultRule();

        /**
         * Sources from most to least trusted, for source-priority, comma-separated; unlisted sources rank last. Read as
         * one string and split by {@link ListSetting}, as every list setting here is.
         */
        Optional<String> sourcePriority();

        /** A rule per trait name ({@code portrait.identity.survivorship.traits.<name>=most-frequent}). */
        Map<String, String> traits();
    }

    interface TypeRuleConfig {

        /** Higher is trusted more; when an event would break a limit its lowest-priority identifier is demoted. */
        @WithDefault("0")
        int priority();

        /** One value per person (user id, national id): profiles with different values are never merged. */
        @WithDefault("false")
        boolean unique();

        /** {@code <count> ever|daily|weekly|monthly|yearly} or {@code <count> per <ISO-8601 duration>}. */
        Optional<String> limit();

        /**
         * Values never stored nor matched, compared after normalization (so any spelling of them is blocked);
         * comma-separated, split by {@link ListSetting}.
         */
        Optional<String> blockedValues();

        /**
         * Regular expressions a whole normalized value is matched against; a match is never stored nor matched.
         * Comma-separated, a comma inside a pattern written {@code \,}; split by {@link ListSetting}, which keeps
         * every other backslash (SmallRye's list conversion would drop them).
         */
        Optional<String> blockedPatterns();
    }

    /**
     * Probabilistic matching of events that share no identifier with any profile
     * ({@code portrait.identity.probabilistic.*}).
     */
    interface Probabilistic {

        /** Off: an event sharing no identifier always starts a profile of its own. */
        @WithDefault("true")
        boolean enabled();

        /** At or above: the event's profile is merged into the candidate. */
        @WithDefault("0.99")
        double upperThreshold();

        /** At or above (and below the upper one): the pair is proposed for review. */
        @WithDefault("0.5")
        double lowerThreshold();

        /** The share of true matches among the candidates blocking finds for a new event. */
        @WithDefault("0.01")
        double matchPrior();

        /** Candidates scored per event, those sharing the most blocking keys first. */
        @WithDefault("50")
        int maxCandidates();

        /** Reviews proposed per event at most, best scores first. */
        @WithDefault("3")
        int maxReviewsPerEvent();

        /** Linkage field to trait name ({@code traits.date_of_birth=birthday}); unlisted fields are not compared. */
        Map<String, String> traits();

        /** Per comparison, P(disagree),P(close),P(agree) among true matches ({@code m.surname=0.03,0.05,0.92}). */
        Map<String, String> m();

        /** The same among non-matches. */
        Map<String, String> u();
    }
}
