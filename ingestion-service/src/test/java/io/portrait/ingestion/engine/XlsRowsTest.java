package io.portrait.ingestion.engine;

import org.apache.poi.hssf.record.DateWindow1904Record;
import org.apache.poi.hssf.record.crypto.Biff8EncryptionKey;
import org.apache.poi.hssf.usermodel.HSSFWorkbook;
import org.apache.poi.poifs.filesystem.POIFSFileSystem;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.DateUtil;
import org.apache.poi.ss.usermodel.FormulaError;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import static io.portrait.ingestion.engine.XlsxRowsTest.row;
import static io.portrait.ingestion.engine.XlsxRowsTest.style;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A legacy Excel 97-2003 workbook (.xls) read exactly as its xlsx twin is: the same worksheet choice, header, texts,
 * numbering and reasons. The workbooks are written with POI's whole-workbook model, as test data only; the reader
 * under test streams records.
 */
class XlsRowsTest {

    /**
     * A POS export as an old system saves it: Chinese names, a phone stored as a number, an amount shown with grouping,
     * a date, a date-time, a boolean, formulas with a number and a text as cached results, an empty row, a blank but
     * styled cell, an error cell, a formula that failed, and a second sheet that must not be read.
     */
    static byte[] posWorkbook() {
        return XlsxRowsTest.workbook(new HSSFWorkbook(), workbook -> {
            CellStyle amount = style(workbook, "#,##0.00");
            CellStyle date = style(workbook, "yyyy-mm-dd");
            CellStyle dateTime = style(workbook, "yyyy-mm-dd hh:mm:ss");
            Sheet members = workbook.createSheet("会员");
            row(members, 0, " 姓名 ", "mobile", "amount", "born", "signed_up", "vip", "double", "greeting", "city");
            Row zhang = members.createRow(1);
            zhang.createCell(0).setCellValue("张伟");
            zhang.createCell(1).setCellValue(13800138000d);
            Cell paid = zhang.createCell(2);
            paid.setCellValue(1234.5);
            paid.setCellStyle(amount);
            Cell born = zhang.createCell(3);
            born.setCellValue(LocalDate.of(2024, 3, 5));
            born.setCellStyle(date);
            Cell signedUp = zhang.createCell(4);
            signedUp.setCellValue(LocalDateTime.of(2024, 3, 5, 10, 30));
            signedUp.setCellStyle(dateTime);
            zhang.createCell(5).setCellValue(true);
            zhang.createCell(6).setCellFormula("C2*2");
            zhang.createCell(7).setCellFormula("CONCATENATE(\"你好\",A2)");
            zhang.createCell(8).setCellValue("广州");
            // Row 3 has a styled cell without a value, row 4 a blank string: neither is a row.
            members.createRow(2).createCell(2).setCellStyle(amount);
            row(members, 3, "", " ");
            Row li = members.createRow(4);
            li.createCell(0).setCellValue("李娜");
            li.createCell(1).setCellValue("139 0013 9000");
            li.createCell(5).setCellValue(false);
            li.createCell(10).setCellValue("beyond the header");
            Row broken = members.createRow(5);
            broken.createCell(0).setCellValue("王芳");
            broken.createCell(1).setCellErrorValue(FormulaError.NA.getCode());
            Row failed = members.createRow(6);
            failed.createCell(0).setCellValue("赵磊");
            failed.createCell(2).setCellFormula("1/0");
            row(members, 7, "Zhou");
            row(workbook.createSheet("notes"), 0, "not", "read");
            workbook.getCreationHelper().createFormulaEvaluator().evaluateAll();
        });
    }

    private static List<ImportReader.Row> rows(byte[] file) {
        return rows(file, "");
    }

    /** The rows of the worksheet {@code sheet} chooses. */
    private static List<ImportReader.Row> rows(byte[] file, String sheet) {
        List<ImportReader.Row> rows = new ArrayList<>();
        try (ImportReader reader = new ImportReader("xls", "", sheet, new ByteArrayInputStream(file),
                Long.MAX_VALUE)) {
            for (ImportReader.Row row = reader.next(); row != null; row = reader.next()) {
                rows.add(row);
            }
        }
        return rows;
    }

    private static Map<String, String> text(ImportReader.Row row) {
        Map<String, String> text = new LinkedHashMap<>();
        row.columns().forEach((column, value) -> text.put(column, value.getStringValue()));
        return text;
    }

    @Test
    void readsTheFirstWorksheetAsTextCellsUnderItsHeader() {
        List<ImportReader.Row> rows = rows(posWorkbook());

        assertThat(rows).extracting(ImportReader.Row::number).containsExactly(1L, 2L, 3L, 4L, 5L);
        assertThat(rows.get(0).error()).isNull();
        assertThat(text(rows.get(0))).containsExactly(
                Map.entry("姓名", "张伟"),
                Map.entry("mobile", "13800138000"),
                Map.entry("amount", "1234.5"),
                Map.entry("born", "2024-03-05"),
                Map.entry("signed_up", "2024-03-05T10:30:00"),
                Map.entry("vip", "true"),
                Map.entry("double", "2469"),
                Map.entry("greeting", "你好张伟"),
                Map.entry("city", "广州"));
        assertThat(text(rows.get(1))).as("blank cells absent, cells beyond the header ignored").containsExactly(
                Map.entry("姓名", "李娜"),
                Map.entry("mobile", "139 0013 9000"),
                Map.entry("vip", "false"));
        assertThat(text(rows.get(4))).containsExactly(Map.entry("姓名", "Zhou"));
    }

    @Test
    void aCellHoldingAnErrorOrAFailedFormulaCostsItsRowNamingTheColumnButNoValue() {
        List<ImportReader.Row> rows = rows(posWorkbook());

        assertThat(rows.get(2).number()).isEqualTo(3);
        assertThat(rows.get(2).columns()).isEmpty();
        assertThat(rows.get(2).error()).startsWith("column 'mobile' (column B) holds an error instead of a value")
                .doesNotContain("王芳");
        assertThat(rows.get(3).error()).startsWith("column 'amount' (column C) holds an error instead of a value");
    }

    @Test
    void readsAsTheXlsxTwinOfTheSameWorksheetIsRead() {
        byte[] xls = XlsxRowsTest.workbook(new HSSFWorkbook(), XlsRowsTest::sameContent);
        byte[] xlsx = XlsxRowsTest.workbook(new XSSFWorkbook(), XlsRowsTest::sameContent);

        List<ImportReader.Row> expected = new ArrayList<>();
        try (ImportReader reader = new ImportReader("xlsx", "", new ByteArrayInputStream(xlsx))) {
            for (ImportReader.Row row = reader.next(); row != null; row = reader.next()) {
                expected.add(row);
            }
        }
        assertThat(expected).hasSize(2);
        assertThat(rows(xls)).isEqualTo(expected);
    }

    private static void sameContent(Workbook workbook) {
        Sheet sheet = workbook.createSheet("客户");
        row(sheet, 1, "name", "mobile", "opens", "ratio", "broken");
        Row first = sheet.createRow(2);
        first.createCell(0).setCellValue("欧阳娜娜");
        first.createCell(1).setCellValue(13700137000d);
        Cell opens = first.createCell(2);
        opens.setCellValue(10.5 / 24);
        opens.setCellStyle(style(workbook, "h:mm"));
        first.createCell(3).setCellValue(0.1 + 0.2);
        Row second = sheet.createRow(3);
        second.createCell(0).setCellValue("Li");
        second.createCell(4).setCellErrorValue(FormulaError.DIV0.getCode());
    }

    /** Older Excel for Mac counts dates from 1904: the same serial number is another day there. */
    @Test
    void readsDatesOfAWorkbookThatCountsFrom1904() {
        byte[] file = XlsxRowsTest.workbook(new HSSFWorkbook(), workbook -> {
            ((DateWindow1904Record) ((HSSFWorkbook) workbook).getInternalWorkbook()
                    .findFirstRecordBySid(DateWindow1904Record.sid)).setWindowing((short) 1);
            Sheet sheet = workbook.createSheet();
            row(sheet, 0, "born");
            Cell born = sheet.createRow(1).createCell(0);
            born.setCellValue(DateUtil.getExcelDate(LocalDate.of(1990, 4, 1).atStartOfDay(), true));
            born.setCellStyle(style(workbook, "yyyy-mm-dd"));
        });

        assertThat(text(rows(file).get(0))).containsExactly(Map.entry("born", "1990-04-01"));
    }

    @Test
    void resumesAfterACheckpointBySkippingRowsNumberedAlike() {
        byte[] file = posWorkbook();
        List<ImportReader.Row> all = rows(file);
        try (ImportReader reader = new ImportReader("xls", "", new ByteArrayInputStream(file))) {
            reader.skip(3);
            assertThat(reader.next()).isEqualTo(all.get(3));
            assertThat(reader.next()).isEqualTo(all.get(4));
            assertThat(reader.next()).isNull();
        }
    }

    @Test
    void rowsBeforeDamageWithinTheWorksheetAreReadAndTheDamageNamesTheLastGoodRow() throws IOException {
        byte[] file = XlsxRowsTest.workbook(new HSSFWorkbook(), workbook -> {
            Sheet sheet = workbook.createSheet("export");
            row(sheet, 0, "n");
            for (int i = 1; i <= 2000; i++) {
                row(sheet, i, "row " + i);
            }
        });
        // Garbage over the records three quarters into the workbook stream: inside the worksheet's cells.
        byte[] damaged;
        try (POIFSFileSystem container = new POIFSFileSystem(new ByteArrayInputStream(file))) {
            byte[] stream = container.getRoot().createDocumentInputStream("Workbook").readAllBytes();
            java.util.Arrays.fill(stream, stream.length * 3 / 4, stream.length * 3 / 4 + 64, (byte) 0xFF);
            container.createOrUpdateDocument(new ByteArrayInputStream(stream), "Workbook");
            ByteArrayOutputStream out = new ByteArrayOutputStream();
            container.writeFilesystem(out);
            damaged = out.toByteArray();
        }

        List<ImportReader.Row> read = new ArrayList<>();
        try (ImportReader reader = new ImportReader("xls", "", new ByteArrayInputStream(damaged))) {
            assertThatThrownBy(() -> {
                for (ImportReader.Row row = reader.next(); row != null; row = reader.next()) {
                    read.add(row);
                }
            }).isInstanceOf(ImportReader.UnreadableFileException.class)
                    .hasMessageStartingWith("the first worksheet cannot be read after data row ");
        }
        assertThat(read).as("the rows before the damage").hasSizeGreaterThan(1000).hasSizeLessThan(2000);
        assertThat(read.get(read.size() - 1).number()).isEqualTo(read.size());
    }

    /** A workbook whose every worksheet holds one row: the worksheet's name, under the header {@code sheet}. */
    private static byte[] sheets(String... names) {
        return XlsxRowsTest.workbook(new HSSFWorkbook(), workbook -> {
            for (String name : names) {
                Sheet sheet = workbook.createSheet(name);
                row(sheet, 0, "sheet");
                row(sheet, 1, name);
            }
        });
    }

    private static String readFrom(byte[] file, String sheet) {
        return rows(file, sheet).get(0).columns().get("sheet").getStringValue();
    }

    @Test
    void readsTheWorksheetTheJobChoosesByTheNameOnItsTabOrItsPosition() {
        byte[] file = sheets("会员", "Stores", "1", "2024");

        assertThat(readFrom(file, "")).as("none chosen: the first").isEqualTo("会员");
        assertThat(readFrom(file, "Stores")).isEqualTo("Stores");
        assertThat(readFrom(file, "会员")).isEqualTo("会员");
        assertThat(readFrom(file, " stores ")).as("ignoring case and spaces around it").isEqualTo("Stores");
        assertThat(readFrom(file, "2")).as("by position, from 1").isEqualTo("Stores");
        assertThat(readFrom(file, "4")).isEqualTo("2024");
        assertThat(readFrom(file, "1")).as("a name wins over a position").isEqualTo("1");
        assertThatThrownBy(() -> rows(file, "Orders")).isInstanceOf(ImportReader.UnreadableFileException.class)
                .hasMessage("the workbook has no worksheet \"Orders\"; its worksheets: \"会员\", \"Stores\", \"1\","
                        + " \"2024\"");
    }

    /** The tabs' order, not the order the sheets' records were written in, tells which is first. */
    @Test
    void positionsFollowTheTabsOrder() {
        byte[] file = XlsxRowsTest.workbook(new HSSFWorkbook(), workbook -> {
            for (String name : List.of("archive", "current")) {
                Sheet sheet = workbook.createSheet(name);
                row(sheet, 0, "sheet");
                row(sheet, 1, name);
            }
            workbook.setSheetOrder("current", 0);
        });

        assertThat(readFrom(file, "")).isEqualTo("current");
        assertThat(readFrom(file, "2")).isEqualTo("archive");
    }

    /** A chart moved to a tab of its own holds no rows: it is never read, nor counted as a position. */
    @Test
    void chartSheetsAreNeitherReadNorCounted() {
        byte[] file = asChartSheet(sheets("Chart", "Members", "Stores"), 0);

        assertThat(readFrom(file, "")).isEqualTo("Members");
        assertThat(readFrom(file, "1")).isEqualTo("Members");
        assertThat(readFrom(file, "2")).isEqualTo("Stores");
        assertThatThrownBy(() -> rows(file, "Chart")).isInstanceOf(ImportReader.UnreadableFileException.class)
                .hasMessage("the workbook has no worksheet \"Chart\"; its worksheets: \"Members\", \"Stores\"");
        assertThatThrownBy(() -> rows(asChartSheet(sheets("Chart"), 0))).as("only a chart sheet")
                .isInstanceOf(ImportReader.UnreadableFileException.class)
                .hasMessage("the workbook has no worksheet");
    }

    /**
     * The workbook with its {@code n}th (0-based) sheet listed as a chart sheet, as Excel lists a chart moved to a tab
     * of its own (the high byte of its BoundSheet record's options is 2): POI writes none.
     */
    private static byte[] asChartSheet(byte[] workbook, int n) {
        try (POIFSFileSystem file = new POIFSFileSystem(new ByteArrayInputStream(workbook));
             ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            byte[] records;
            try (var in = file.createDocumentInputStream("Workbook")) {
                records = in.readAllBytes();
            }
            int seen = 0;
            for (int at = 0; at + 4 <= records.length; ) {
                int sid = (records[at] & 0xFF) | (records[at + 1] & 0xFF) << 8;
                int length = (records[at + 2] & 0xFF) | (records[at + 3] & 0xFF) << 8;
                if (sid == 0x0085 && seen++ == n) {
                    records[at + 4 + 4 + 1] = 2;
                    break;
                }
                at += 4 + length;
            }
            assertThat(seen).isEqualTo(n + 1);
            file.createOrUpdateDocument(new ByteArrayInputStream(records), "Workbook");
            file.writeFilesystem(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    @Test
    void aHeaderCellHoldingAnErrorFailsTheFileNamingTheWorksheet() {
        byte[] file = XlsxRowsTest.workbook(new HSSFWorkbook(), workbook -> {
            row(workbook.createSheet("Members"), 0, "name");
            Row header = workbook.createSheet("Stores").createRow(0);
            header.createCell(0).setCellValue("store");
            header.createCell(1).setCellErrorValue(FormulaError.REF.getCode());
        });

        assertThat(rows(file)).as("the first has a header alone").isEmpty();
        assertThatThrownBy(() -> rows(file, "stores")).isInstanceOf(ImportReader.UnreadableFileException.class)
                .hasMessage("the header row of worksheet \"Stores\" is not a row of column names: column B holds an"
                        + " error (a formula that failed)");
    }

    @Test
    void aWorkbookWithoutAWorksheetFailsAndOneWithAnEmptySheetHasNoRows() {
        assertThat(rows(XlsxRowsTest.workbook(new HSSFWorkbook(), workbook -> workbook.createSheet("empty"))))
                .isEmpty();
        byte[] chartOnly = asChartSheet(sheets("Chart"), 0);
        assertThatThrownBy(() -> rows(chartOnly, "Orders"))
                .hasMessage("the workbook has no worksheet \"Orders\": it has no worksheet at all");
    }

    @Test
    void aWorkbookLargerThanTheCapFailsAskingForCsv() {
        byte[] file = posWorkbook();

        assertThatThrownBy(() -> new ImportReader("xls", "", "notes", new ByteArrayInputStream(file),
                file.length - 1)).isInstanceOf(ImportReader.UnreadableFileException.class)
                .hasMessageStartingWith("the workbook is larger than " + (file.length - 1) + " bytes, the most read"
                        + " as xls (imports.max-xlsx-size)")
                .hasMessageContaining("export worksheet \"notes\" as CSV");
        try (ImportReader atTheCap = new ImportReader("xls", "", "", new ByteArrayInputStream(file), file.length)) {
            assertThat(atTheCap.next().number()).isEqualTo(1);
        }
    }

    @Test
    void aPasswordProtectedWorkbookFailsAskingToRemoveThePassword() {
        byte[] file;
        Biff8EncryptionKey.setCurrentUserPassword("secret");
        try {
            file = sheets("Members");
        } finally {
            Biff8EncryptionKey.setCurrentUserPassword(null);
        }

        assertThatThrownBy(() -> rows(file)).isInstanceOf(ImportReader.UnreadableFileException.class)
                .hasMessageStartingWith("the workbook is password-protected: open it in Excel, remove the password");
    }

    @Test
    void aFileThatIsNoXlsWorkbookFailsSayingWhatToDo() {
        byte[] xlsx = XlsxRowsTest.workbook(new XSSFWorkbook(), workbook -> row(workbook.createSheet(), 0, "name"));
        assertThatThrownBy(() -> rows(xlsx)).isInstanceOf(ImportReader.UnreadableFileException.class)
                .hasMessage("the file is an xlsx workbook (Office Open XML), not a legacy .xls: import it with format"
                        + " xlsx");
        byte[] page = "<html><body><table><tr><td>name</td></tr></table></body></html>"
                .getBytes(StandardCharsets.UTF_8);
        for (byte[] notAWorkbook : List.of(page, "name,mobile\nAnn,138\n".getBytes(StandardCharsets.UTF_8),
                new byte[0])) {
            assertThatThrownBy(() -> rows(notAWorkbook)).isInstanceOf(ImportReader.UnreadableFileException.class)
                    .hasMessageStartingWith("the file is not an xls workbook");
        }
        assertThatThrownBy(() -> rows(ole2("WordDocument"))).isInstanceOf(ImportReader.UnreadableFileException.class)
                .hasMessageStartingWith("the file is an Office 97-2003 document but not an Excel workbook");
    }

    /** Excel 5.0/95 keeps its records in a stream named Book, not Workbook: BIFF5, which is not read. */
    @Test
    void aWorkbookOfExcel95OrOlderFailsAskingForXlsxOrCsv() {
        assertThatThrownBy(() -> rows(ole2("Book"))).isInstanceOf(ImportReader.UnreadableFileException.class)
                .hasMessage("the workbook is in the format of Excel 5.0/95 or older, which is not read: open it in"
                        + " Excel or WPS and save it as .xlsx or CSV (UTF-8), and import that");
        byte[] biff4 = {0x09, 0x04, 0x06, 0x00, 0x00, 0x00, 0x10, 0x00, 0x00, 0x00};
        assertThatThrownBy(() -> rows(biff4)).hasMessageStartingWith("the workbook is in the format of Excel 5.0/95");
    }

    /** An Office 97-2003 file holding one stream of that name. */
    private static byte[] ole2(String stream) {
        try (POIFSFileSystem file = new POIFSFileSystem(); ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            file.createDocument(new ByteArrayInputStream(new byte[600]), stream);
            file.writeFilesystem(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
