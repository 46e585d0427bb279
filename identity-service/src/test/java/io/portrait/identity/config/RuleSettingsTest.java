package io.portrait.identity.config;

import io.portrait.common.identifier.IdentifierNormalizer;
import io.portrait.identity.engine.GoldenTrait;
import io.portrait.identity.engine.IdentityRules;
import io.portrait.identity.engine.TraitObservation;
import io.quarkus.runtime.configuration.DurationConverter;
import io.smallrye.config.PropertiesConfigSource;
import io.smallrye.config.SmallRyeConfig;
import io.smallrye.config.SmallRyeConfigBuilder;
import org.junit.jupiter.api.Test;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Properties;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * List settings as the service reads them: a blocked pattern keeps its backslashes, a comma inside one is written
 * {@code \,}, and every item is stripped. Built through SmallRye Config from properties text, as the service is.
 */
class RuleSettingsTest {

    @Test
    void blockedPatternsKeepTheirBackslashesAndListsAreStripped() throws IOException {
        SmallRyeConfig config = config("""
                portrait.identity.rules.types.phone.blocked-patterns=\\\\+861380000\\\\d{4}
                portrait.identity.rules.types.email.blocked-patterns=a@b\\\\.com, .*@foo\\\\.com, x{1\\\\,3}@y\\\\.com
                portrait.identity.rules.types.email.blocked-values=ann@example.com, bob@example.com
                portrait.identity.survivorship.default-rule=source-priority
                portrait.identity.survivorship.source-priority=crm, pos
                """);

        IdentityRules rules = rules(config);

        assertThat(rules.blocks("phone", "+8613800001234")).isTrue();
        assertThat(rules.blocks("phone", "+8613800009999")).isTrue();
        assertThat(rules.blocks("phone", "+86138000012345")).isFalse();
        assertThat(rules.blocks("email", "a@b.com")).isTrue();
        assertThat(rules.blocks("email", "a@bxcom")).as("an escaped dot is a dot").isFalse();
        assertThat(rules.blocks("email", "kim@foo.com")).as("no leading space in the pattern").isTrue();
        assertThat(rules.blocks("email", "xx@y.com")).as("a comma inside a pattern").isTrue();
        assertThat(rules.blocks("email", "bob@example.com")).isTrue();
        // pos ranks above web only if the item is "pos", not " pos".
        List<GoldenTrait> golden = new IdentityBeans().survivorship(config.getConfigMapping(IdentityConfig.class))
                .golden(List.of(
                        new TraitObservation("name", "Pos Name", "pos", "e1", Instant.parse("2025-01-01T00:00:00Z")),
                        new TraitObservation("name", "Web Name", "web", "e2", Instant.parse("2025-02-01T00:00:00Z"))));
        assertThat(golden).extracting(GoldenTrait::value).containsExactly("Pos Name");
    }

    @Test
    void theShippedPatternsMeanWhatTheySay() throws IOException {
        Properties shipped = new Properties();
        try (InputStream in = getClass().getClassLoader().getResourceAsStream("application.properties")) {
            shipped.load(in);
        }
        IdentityRules rules = rules(build(shipped));

        assertThat(rules.blocks("email", "someone@mailinator.com")).isTrue();
        assertThat(rules.blocks("email", "someone@example.invalid")).isTrue();
        assertThat(rules.blocks("email", "someone@mailinatorxcom")).isFalse();
        assertThat(rules.blocks("email", "someone@examplexinvalid")).isFalse();
        assertThat(rules.blocks("phone", "+8613800000000")).isTrue();
    }

    private static SmallRyeConfig config(String properties) throws IOException {
        Properties parsed = new Properties();
        parsed.load(new StringReader(properties));
        return build(parsed);
    }

    private static SmallRyeConfig build(Properties properties) {
        return new SmallRyeConfigBuilder()
                .withMapping(IdentityConfig.class)
                // Quarkus's duration syntax ("200ms"), as the service reads its settings.
                .withConverter(Duration.class, 100, new DurationConverter())
                .withSources(new PropertiesConfigSource(properties, "test"))
                .build();
    }

    private static IdentityRules rules(SmallRyeConfig config) {
        return new IdentityBeans().identityRules(config.getConfigMapping(IdentityConfig.class),
                new IdentifierNormalizer("CN", List.of()));
    }
}
