package io.portrait.gateway.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class ExportColumnsTest {

    @Test
    void readsCommaSeparatedNamesOnceEachInTheOrderGiven() {
        ExportColumns columns = ExportColumns.parse(" email , phone,email", null, "loyalty,spend_band");

        assertThat(columns.identifiers()).containsExactly("email", "phone");
        assertThat(columns.traits()).isEmpty();
        assertThat(columns.header()).containsExactly("profile_id", "since", "identifiers.email", "identifiers.phone",
                "tags.loyalty", "tags.spend_band");
        assertThat(columns.needsIdentity()).isTrue();
        assertThat(columns.carriesPii()).isTrue();
    }

    @Test
    void tagsAloneCarryNoPersonalData() {
        ExportColumns columns = ExportColumns.parse("", " ", "loyalty");

        assertThat(columns.needsIdentity()).isFalse();
        assertThat(columns.needsTags()).isTrue();
        assertThat(columns.carriesPii()).isFalse();
        assertThat(ExportColumns.parse(null, null, null)).isEqualTo(ExportColumns.NONE);
    }

    @Test
    void refusesUnknownTypesNonNamesAndTooManyColumns() {
        assertThatThrownBy(() -> ExportColumns.parse("email,passport", null, null))
                .hasMessageContaining("unknown identifier type 'passport'").hasMessageContaining("member_card");
        assertThatThrownBy(() -> ExportColumns.parse(null, "name,", null)).hasMessageContaining("'' is not a name");
        assertThatThrownBy(() -> ExportColumns.parse(null, null, "tags.loyalty"))
                .hasMessageContaining("\"tags\": 'tags.loyalty' is not a name");
        String many = String.join(",", java.util.stream.IntStream.range(0, 33).mapToObj(i -> "t" + i).toList());
        assertThatThrownBy(() -> ExportColumns.parse(null, null, many)).hasMessageContaining("at most 32");
        assertThat(ExportColumns.parse(null, null, many.substring(0, many.lastIndexOf(','))).tags()).hasSize(32);
    }
}
