package io.portrait.launcher.demo;

import java.math.BigDecimal;
import java.time.LocalDateTime;
import java.time.format.DateTimeFormatter;

/** One line of the Online Retail data set: an item on an invoice. */
public record RetailRow(String invoiceNo, String stockCode, String description, int quantity, LocalDateTime invoiceDate,
                        BigDecimal unitPrice, long customerId, String country) {

    private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm:ss");

    /** Parses the CSV columns {@code InvoiceNo,StockCode,Description,Quantity,InvoiceDate,UnitPrice,CustomerID,Country}. */
    public static RetailRow parse(String[] columns) {
        return new RetailRow(columns[0], columns[1], columns[2], Integer.parseInt(columns[3]),
                LocalDateTime.parse(columns[4], DATE), new BigDecimal(columns[5]),
                (long) Double.parseDouble(columns[6]), columns[7]);
    }

    public boolean cancellation() {
        return invoiceNo.startsWith("C");
    }

    /**
     * Whether the line is an item the shop sells. The data set's items have numeric stock codes (85123A, 22423);
     * the others are charges and adjustments on the invoice: POST (postage), C2 (carriage), M (manual), D (discount).
     */
    public boolean merchandise() {
        return !stockCode.isEmpty() && Character.isDigit(stockCode.charAt(0));
    }
}
