package io.portrait.gateway.engine;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class CsvCellTest {

    @Test
    void quotesWhatNeedsIt() {
        assertThat(CsvCell.of("plain")).isEqualTo("plain");
        assertThat(CsvCell.of("Ann, Lee")).isEqualTo("\"Ann, Lee\"");
        assertThat(CsvCell.of("say \"hi\"")).isEqualTo("\"say \"\"hi\"\"\"");
        assertThat(CsvCell.of(null)).isEmpty();
    }

    @Test
    void defusesFormulasButNotSignedNumbers() {
        assertThat(CsvCell.of("=HYPERLINK(\"x\")")).isEqualTo("\"'=HYPERLINK(\"\"x\"\")\"");
        assertThat(CsvCell.of("@SUM(A1)")).isEqualTo("'@SUM(A1)");
        assertThat(CsvCell.of("-2+3")).isEqualTo("'-2+3");
        assertThat(CsvCell.of("\t=1")).isEqualTo("'\t=1");
        assertThat(CsvCell.of("+8613812345678")).isEqualTo("+8613812345678");
        assertThat(CsvCell.of("-12.5")).isEqualTo("-12.5");
    }
}
