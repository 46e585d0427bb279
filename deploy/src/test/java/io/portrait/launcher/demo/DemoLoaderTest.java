package io.portrait.launcher.demo;

import com.fasterxml.jackson.databind.ObjectMapper;
import io.portrait.launcher.suite.GatewayClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import java.util.List;

import static org.assertj.core.api.Assertions.assertThat;

/** When the launcher considers the showcase customer's view complete enough to print. */
class DemoLoaderTest {

    private static final ObjectMapper JSON = new ObjectMapper();

    @ParameterizedTest(name = "{0}")
    @CsvSource(delimiter = '|', textBlock = """
            every order in every part          | 200 | {"activity": [{"event": "Order Completed", "count": 3}], "purchases": {"orders": 3}, "recommendations": {"personalized": true}} | true
            scoring still behind               | 200 | {"activity": [{"event": "Order Completed", "count": 3}], "purchases": {"orders": 2}, "recommendations": {"personalized": true}} | false
            tagging still behind               | 200 | {"activity": [{"event": "Order Completed", "count": 1}], "purchases": {"orders": 3}, "recommendations": {"personalized": true}} | false
            recommendations still popular only | 200 | {"activity": [{"event": "Order Completed", "count": 3}], "purchases": {"orders": 3}, "recommendations": {"personalized": false, "nonPersonalizedReason": "no_history"}} | false
            no parts yet                       | 200 | {"id": "p-1"} | false
            a part degraded                    | 200 | {"activity": [{"event": "Order Completed", "count": 3}], "purchases": {"orders": 3}, "degraded": ["recommendations"]} | false
            other events do not count          | 200 | {"activity": [{"event": "Application Opened", "count": 3}], "purchases": {"orders": 3}, "recommendations": {"personalized": true}} | false
            not found yet                      | 404 | {"type": "/problems/not-found"} | false
            """)
    void completeOnlyWhenEveryOrderIsShownAndNothingDegraded(String caseName, int status, String body, boolean complete)
            throws Exception {
        assertThat(DemoLoader.complete(new GatewayClient.Answer(status, JSON.readTree(body)), 3)).isEqualTo(complete);
    }

    @Test
    void showcaseOrdersAreItsInvoicesWithoutCancellations() {
        List<RetailRow> rows = DemoLoader.shippedRows();
        DemoEvents.DemoCustomer showcase = DemoLoader.showcase(rows);
        long invoices = rows.stream().filter(r -> r.customerId() == showcase.id()).map(RetailRow::invoiceNo).distinct().count();
        long cancellations = rows.stream().filter(r -> r.customerId() == showcase.id() && r.cancellation())
                .map(RetailRow::invoiceNo).distinct().count();
        assertThat(DemoLoader.completedOrders(rows, showcase)).isEqualTo(invoices - cancellations).isPositive();
    }
}
