package io.portrait.common.tags;

import io.portrait.common.sink.InvalidRequestException;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ModelVersionsTest {

    @Test
    void aVersionIsNamedAndReadBackByItsNumber() {
        assertThat(ModelVersions.name(12)).isEqualTo("v12");
        assertThat(ModelVersions.number("model_version", "v12")).isEqualTo(12);
        assertThat(ModelVersions.number("model_version", "3")).isEqualTo(3);
    }

    @Test
    void anythingElseIsRefusedNamingTheField() {
        for (String wrong : new String[] {"v0", "v-1", "v+2", "rfm-2026-03", "", "v"}) {
            assertThatThrownBy(() -> ModelVersions.number("before_version", wrong))
                    .as(wrong).isInstanceOf(InvalidRequestException.class)
                    .hasMessage("before_version must look like v3, got \"" + wrong + "\"");
        }
    }
}
