package io.portrait.launcher.demo;

import org.junit.jupiter.api.Test;

import java.io.BufferedReader;
import java.io.StringReader;
import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

class RetailCsvTest {

    @Test
    void readsQuotedFieldsAndSkipsGuestOrders() throws Exception {
        String csv = """
                InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country
                536365,85123A,"WHITE HANGING HEART, T-LIGHT ""HOLDER\""",6,2010-12-01 08:26:00,2.55,17850.0,United Kingdom
                536366,22633,HAND WARMER UNION JACK,6,2010-12-01 08:28:00,1.85,,United Kingdom
                C536379,D,Discount,-1,2010-12-01 09:41:00,27.5,14527.0,United Kingdom
                """;
        List<RetailRow> rows = RetailCsv.read(new BufferedReader(new StringReader(csv)));
        assertThat(rows).hasSize(2);
        assertThat(rows.get(0).description()).isEqualTo("WHITE HANGING HEART, T-LIGHT \"HOLDER\"");
        assertThat(rows.get(0).customerId()).isEqualTo(17850L);
        assertThat(rows.get(0).unitPrice()).isEqualByComparingTo(new BigDecimal("2.55"));
        assertThat(rows.get(0).invoiceDate()).isEqualTo(LocalDateTime.of(2010, 12, 1, 8, 26));
        assertThat(rows.get(1).cancellation()).isTrue();
        assertThat(rows.get(1).quantity()).isEqualTo(-1);
    }

    @Test
    void refusesOtherFiles() {
        assertThatThrownBy(() -> RetailCsv.read(new BufferedReader(new StringReader("a,b,c\n1,2,3\n"))))
                .hasMessageContaining("not Online Retail CSV");
    }
}
