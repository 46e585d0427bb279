package io.portrait.common.identifier;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;
import java.util.regex.Pattern;

import static org.assertj.core.api.Assertions.assertThat;

class IdentifierNormalizerTest {

    private final IdentifierNormalizer normalizer =
            new IdentifierNormalizer("CN", List.of(Pattern.compile("^guest-.*")));

    @ParameterizedTest
    @CsvSource({
            "email,        ' Ann@Example.COM ',  ann@example.com",
            "phone,        13800138000,          +8613800138000",
            "phone,        '+86 138-0013-8000',  +8613800138000",
            "phone,        '+44 20 7946 0958',   +442079460958",
            "user_id,      ' u-42 ',             u-42",
            "device_id,    ABC-123,              ABC-123",
    })
    void normalizesToOneCanonicalForm(String type, String raw, String expected) {
        NormalizedIdentifier result = normalizer.normalize(type, raw);
        assertThat(result.outcome()).isEqualTo(NormalizedIdentifier.Outcome.OK);
        assertThat(result.value()).isEqualTo(expected);
    }

    @ParameterizedTest
    @CsvSource({
            "email,     not-an-email,   invalid_format",
            "phone,     12345,          invalid_format",
            "phone,     call me,        invalid_format",
            "phone,     '13800138000;13900139000', invalid_format",
            "phone,     '010 6552 9988 x123',      invalid_format",
            "email,     '   ',          required",
            "passport,  X123,           unknown_type",
    })
    void rejectsWhatCannotBeAnIdentifier(String type, String raw, String code) {
        NormalizedIdentifier result = normalizer.normalize(type, raw);
        assertThat(result.outcome()).isEqualTo(NormalizedIdentifier.Outcome.INVALID);
        assertThat(result.code()).isEqualTo(code);
    }

    @ParameterizedTest
    @CsvSource({"user_id, null", "anonymous_id, undefined", "device_id, 00000000-0000-0000", "user_id, guest-17",
            "crm_id, Anonymous"})
    void blocksPlaceholdersFromMatching(String type, String raw) {
        NormalizedIdentifier result = normalizer.normalize(type, raw);
        assertThat(result.outcome()).isEqualTo(NormalizedIdentifier.Outcome.BLOCKED);
        assertThat(result.usable()).isFalse();
    }
}
