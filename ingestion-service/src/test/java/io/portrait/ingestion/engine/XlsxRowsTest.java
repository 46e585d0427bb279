package io.portrait.ingestion.engine;

import org.apache.poi.hssf.usermodel.HSSFWorkbook;
import org.apache.poi.ss.usermodel.Cell;
import org.apache.poi.ss.usermodel.CellStyle;
import org.apache.poi.ss.usermodel.FormulaError;
import org.apache.poi.ss.usermodel.Row;
import org.apache.poi.ss.usermodel.Sheet;
import org.apache.poi.ss.usermodel.Workbook;
import org.apache.poi.xssf.streaming.SXSSFWorkbook;
import org.apache.poi.xssf.usermodel.XSSFWorkbook;
import org.junit.jupiter.api.Test;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.LocalDate;
import java.time.LocalDateTime;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * An xlsx workbook's worksheet (the first, or the one a job chooses) read as CSV would be: a header, rows of text
 * cells, numbered alike.
 */
class XlsxRowsTest {

    /**
     * A CRM export as Excel saves it: a header with spaces and Chinese names, a phone stored as a number, an amount
     * shown with grouping and two decimals, a date, a date-time, a boolean, a formula, an empty row, a blank but
     * styled cell, an error, and a second sheet that must not be read.
     */
    static byte[] crmWorkbook() {
        return workbook(new XSSFWorkbook(), workbook -> {
            CellStyle amount = style(workbook, "#,##0.00");
            CellStyle date = style(workbook, "yyyy-mm-dd");
            CellStyle dateTime = style(workbook, "yyyy-mm-dd hh:mm:ss");
            CellStyle chineseDate = style(workbook, "yyyy\"年\"m\"月\"d\"日\"");
            Sheet members = workbook.createSheet("会员");
            row(members, 0, " 姓名 ", "mobile", "amount", "born", "signed_up", "vip", "double", "city");
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
            zhang.createCell(7).setCellValue("广州");
            // Row 3 has a styled cell without a value, row 4 a blank string: neither is a row.
            members.createRow(2).createCell(2).setCellStyle(amount);
            row(members, 3, "", " ");
            Row li = members.createRow(4);
            li.createCell(0).setCellValue("李娜");
            li.createCell(1).setCellValue("139 0013 9000");
            Cell liBorn = li.createCell(3);
            liBorn.setCellValue(LocalDate.of(1990, 12, 1));
            liBorn.setCellStyle(chineseDate);
            li.createCell(5).setCellValue(false);
            li.createCell(9).setCellValue("beyond the header");
            Row broken = members.createRow(5);
            broken.createCell(0).setCellValue("王芳");
            broken.createCell(1).setCellErrorValue(FormulaError.NA.getCode());
            row(members, 6, "Zhou");
            row(workbook.createSheet("notes"), 0, "not", "read");
            workbook.getCreationHelper().createFormulaEvaluator().evaluateAll();
        });
    }

    /** A cell style showing numbers in {@code format}, as Excel's "Format Cells" sets one. */
    static CellStyle style(Workbook workbook, String format) {
        CellStyle style = workbook.createCellStyle();
        style.setDataFormat(workbook.createDataFormat().getFormat(format));
        return style;
    }

    /** Row {@code index} of the sheet, holding the texts from its first column on. */
    static void row(Sheet sheet, int index, String... values) {
        Row row = sheet.createRow(index);
        for (int i = 0; i < values.length; i++) {
            row.createCell(i).setCellValue(values[i]);
        }
    }

    static byte[] workbook(Workbook workbook, Consumer<Workbook> fill) {
        try (workbook; ByteArrayOutputStream out = new ByteArrayOutputStream()) {
            fill.accept(workbook);
            workbook.write(out);
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static List<ImportReader.Row> rows(byte[] file) {
        List<ImportReader.Row> rows = new ArrayList<>();
        try (ImportReader reader = new ImportReader("xlsx", "", new ByteArrayInputStream(file))) {
            for (ImportReader.Row row = reader.next(); row != null; row = reader.next()) {
                rows.add(row);
            }
        }
        return rows;
    }

    /** The rows of the worksheet {@code sheet} chooses. */
    private static List<ImportReader.Row> rows(byte[] file, String sheet) {
        List<ImportReader.Row> rows = new ArrayList<>();
        try (ImportReader reader = new ImportReader("xlsx", "", sheet, new ByteArrayInputStream(file),
                Long.MAX_VALUE)) {
            for (ImportReader.Row row = reader.next(); row != null; row = reader.next()) {
                rows.add(row);
            }
        }
        return rows;
    }

    private static Map<String, String> text(ImportReader.Row row) {
        Map<String, String> text = new java.util.LinkedHashMap<>();
        row.columns().forEach((column, value) -> text.put(column, value.getStringValue()));
        return text;
    }

    /**
     * A worksheet that unpacks larger than {@link XlsxRows#SPILL_BYTES} is held in a temporary file while it is read,
     * not in the heap: a file holding none of the sheet's text in clear (it is encrypted with a key kept in memory),
     * and gone once the workbook is closed.
     */
    @Test
    void aLargeWorksheetWaitsInAnEncryptedTemporaryFileThatGoesWithTheWorkbook() throws IOException {
        int rows = 60_000;
        byte[] file = workbook(new SXSSFWorkbook(100), workbook -> {
            Sheet sheet = workbook.createSheet("members");
            row(sheet, 0, "mail", "note");
            for (int i = 1; i <= rows; i++) {
                row(sheet, i, "marker-" + i + "@example.com", "a note long enough to make the sheet large");
            }
        });
        Path temporary = Path.of(System.getProperty("java.io.tmpdir"), "poifiles");
        Set<Path> before = listed(temporary);

        Set<Path> spilled;
        long read = 0;
        try (ImportReader reader = new ImportReader("xlsx", "", new ByteArrayInputStream(file))) {
            spilled = new HashSet<>(listed(temporary));
            spilled.removeAll(before);
            assertThat(spilled).as("the unpacked worksheet, on disk").isNotEmpty();
            for (Path part : spilled) {
                assertThat(new String(Files.readAllBytes(part), StandardCharsets.ISO_8859_1))
                        .doesNotContain("marker-").doesNotContain("example.com");
            }
            ImportReader.Row first = reader.next();
            assertThat(text(first)).containsEntry("mail", "marker-1@example.com");
            for (ImportReader.Row row = first; row != null; row = reader.next()) {
                read++;
            }
        }
        assertThat(read).isEqualTo(rows);
        assertThat(listed(temporary)).doesNotContainAnyElementsOf(spilled);
    }

    private static Set<Path> listed(Path directory) throws IOException {
        if (!Files.isDirectory(directory)) {
            return Set.of();
        }
        try (Stream<Path> files = Files.list(directory)) {
            return files.collect(Collectors.toSet());
        }
    }

    @Test
    void readsTheFirstWorksheetAsTextCellsUnderItsHeader() {
        List<ImportReader.Row> rows = rows(crmWorkbook());

        assertThat(rows).extracting(ImportReader.Row::number).containsExactly(1L, 2L, 3L, 4L);
        assertThat(rows.get(0).error()).isNull();
        assertThat(text(rows.get(0))).containsExactly(
                Map.entry("姓名", "张伟"),
                Map.entry("mobile", "13800138000"),
                Map.entry("amount", "1234.5"),
                Map.entry("born", "2024-03-05"),
                Map.entry("signed_up", "2024-03-05T10:30:00"),
                Map.entry("vip", "true"),
                Map.entry("double", "2469"),
                Map.entry("city", "广州"));
        assertThat(text(rows.get(1))).as("blank cells absent, cells beyond the header ignored").containsExactly(
                Map.entry("姓名", "李娜"),
                Map.entry("mobile", "139 0013 9000"),
                Map.entry("born", "1990-12-01"),
                Map.entry("vip", "false"));
        assertThat(text(rows.get(3))).containsExactly(Map.entry("姓名", "Zhou"));
    }

    @Test
    void aCellHoldingAnErrorCostsItsRowNamingTheColumnButNoValue() {
        ImportReader.Row broken = rows(crmWorkbook()).get(2);

        assertThat(broken.number()).isEqualTo(3);
        assertThat(broken.columns()).isEmpty();
        assertThat(broken.error()).startsWith("column 'mobile' (column B) holds an error instead of a value")
                .doesNotContain("王芳");
    }

    @Test
    void theMappedRowBecomesTheEventACsvRowWould() {
        ImportRowMapper mapper = new ImportRowMapper("job-1", io.portrait.proto.ingestion.v1.ImportSpec.newBuilder()
                .setFormat("xlsx").putMapping("mobile", "identifiers.phone").putMapping("amount", "traits.ltv")
                .putMapping("born", "traits.birthday").build());
        ImportReader.Row row = rows(crmWorkbook()).get(0);

        var event = mapper.map(row.number(), row.columns());
        assertThat(event.getIdentifiers(0).getValue()).isEqualTo("13800138000");
        assertThat(event.getTraits().getFieldsOrThrow("ltv").getStringValue()).isEqualTo("1234.5");
        assertThat(event.getTraits().getFieldsOrThrow("birthday").getStringValue()).isEqualTo("2024-03-05");
    }

    @Test
    void readsTheFirstWorksheetInWorkbookOrderAndSkipsLeadingEmptyRows() {
        byte[] file = workbook(new XSSFWorkbook(), workbook -> {
            row(workbook.createSheet("archive"), 0, "old");
            Sheet current = workbook.createSheet("current");
            row(current, 2, "name");
            row(current, 3, "Ann");
            workbook.setSheetOrder("current", 0);
        });

        List<ImportReader.Row> rows = rows(file);
        assertThat(rows).hasSize(1);
        assertThat(text(rows.get(0))).containsExactly(Map.entry("name", "Ann"));
    }

    @Test
    void readsAWorkbookWrittenByTheStreamingWriterWithInlineStrings() {
        byte[] file = workbook(new SXSSFWorkbook(), workbook -> {
            Sheet sheet = workbook.createSheet();
            row(sheet, 0, "name", "mobile");
            Row row = sheet.createRow(1);
            row.createCell(0).setCellValue("欧阳娜娜 & <Nana>");
            row.createCell(1).setCellValue(13700137000d);
        });

        assertThat(text(rows(file).get(0))).containsExactly(Map.entry("name", "欧阳娜娜 & <Nana>"),
                Map.entry("mobile", "13700137000"));
    }

    /** Older Excel for Mac counts dates from 1904: the same serial number is another day there. */
    @Test
    void readsDatesOfAWorkbookThatCountsFrom1904() {
        byte[] file = workbook(new XSSFWorkbook(), workbook -> {
            var properties = ((XSSFWorkbook) workbook).getCTWorkbook();
            (properties.isSetWorkbookPr() ? properties.getWorkbookPr() : properties.addNewWorkbookPr())
                    .setDate1904(true);
            Sheet sheet = workbook.createSheet();
            row(sheet, 0, "born");
            Cell born = sheet.createRow(1).createCell(0);
            born.setCellValue(LocalDate.of(1990, 4, 1));
            born.setCellStyle(style(workbook, "yyyy-mm-dd"));
        });

        assertThat(text(rows(file).get(0))).containsExactly(Map.entry("born", "1990-04-01"));
    }

    @Test
    void resumesAfterACheckpointBySkippingRowsNumberedAlike() {
        byte[] file = crmWorkbook();
        List<ImportReader.Row> all = rows(file);
        try (ImportReader reader = new ImportReader("xlsx", "", new ByteArrayInputStream(file))) {
            reader.skip(2);
            ImportReader.Row next = reader.next();
            assertThat(next.number()).isEqualTo(3);
            assertThat(next.error()).isEqualTo(all.get(2).error());
            assertThat(reader.next()).isEqualTo(all.get(3));
            assertThat(reader.next()).isNull();
        }
    }

    @Test
    void aFileThatIsNoWorkbookFailsWithAReason() {
        assertThatThrownBy(() -> rows("name,mobile\nAnn,138\n".getBytes(StandardCharsets.UTF_8)))
                .isInstanceOf(ImportReader.UnreadableFileException.class)
                .hasMessageStartingWith("the file is not an xlsx workbook");
        assertThatThrownBy(() -> rows(new byte[0]))
                .isInstanceOf(ImportReader.UnreadableFileException.class)
                .hasMessageStartingWith("the file is not an xlsx workbook");
        byte[] legacy = workbook(new HSSFWorkbook(), workbook -> row(workbook.createSheet(), 0, "name"));
        assertThatThrownBy(() -> rows(legacy))
                .isInstanceOf(ImportReader.UnreadableFileException.class)
                .hasMessageContaining("legacy .xls: import it with format xls");
        assertThatThrownBy(() -> rows(zip("hello.txt", "not a workbook")))
                .isInstanceOf(ImportReader.UnreadableFileException.class)
                .hasMessageStartingWith("the file is not an xlsx workbook");
    }

    @Test
    void aHeaderCellHoldingAnErrorFailsTheFile() {
        byte[] file = workbook(new XSSFWorkbook(), workbook -> {
            Sheet sheet = workbook.createSheet();
            Row header = sheet.createRow(0);
            header.createCell(0).setCellValue("name");
            header.createCell(1).setCellErrorValue(FormulaError.REF.getCode());
        });

        assertThatThrownBy(() -> rows(file)).isInstanceOf(ImportReader.UnreadableFileException.class)
                .hasMessageContaining("column B holds an error");
    }

    @Test
    void aWorkbookLargerThanTheCapFailsAskingForCsv() {
        byte[] file = crmWorkbook();

        assertThatThrownBy(() -> new ImportReader("xlsx", "", new ByteArrayInputStream(file), file.length - 1))
                .isInstanceOf(ImportReader.UnreadableFileException.class)
                .hasMessageStartingWith("the workbook is larger than " + (file.length - 1) + " bytes")
                .hasMessageContaining("export its first worksheet as CSV");
        try (ImportReader atTheCap = new ImportReader("xlsx", "", new ByteArrayInputStream(file), file.length)) {
            assertThat(atTheCap.next().number()).isEqualTo(1);
        }
    }

    @Test
    void aTimeOfDayIsAnIsoTimeAndAMacroEnabledWorkbookIsReadToo() {
        byte[] file = workbook(new XSSFWorkbook(org.apache.poi.xssf.usermodel.XSSFWorkbookType.XLSM), workbook -> {
            Sheet sheet = workbook.createSheet();
            row(sheet, 0, "opens");
            Cell opens = sheet.createRow(1).createCell(0);
            opens.setCellValue(10.5 / 24);
            opens.setCellStyle(style(workbook, "h:mm"));
        });

        assertThat(text(rows(file).get(0))).containsExactly(Map.entry("opens", "10:30:00"));
    }

    @Test
    void aWorkbookWithoutAWorksheetFailsAndOneWithAnEmptySheetHasNoRows() {
        assertThatThrownBy(() -> rows(workbook(new XSSFWorkbook(), workbook -> { })))
                .isInstanceOf(ImportReader.UnreadableFileException.class)
                .hasMessage("the workbook has no worksheet");
        assertThat(rows(workbook(new XSSFWorkbook(), workbook -> workbook.createSheet("empty")))).isEmpty();
    }

    /** A real workbook whose sheet unpacks to a thousand times its packed size: POI's zip-bomb guard stays on. */
    @Test
    void aWorkbookThatUnpacksFarBeyondItsSizeIsRefused() {
        byte[] padded = rezip(crmWorkbook(), "xl/worksheets/sheet1.xml", " ".repeat(20 * 1024 * 1024));

        assertThatThrownBy(() -> rows(padded)).isInstanceOf(ImportReader.UnreadableFileException.class)
                .hasMessageStartingWith("the file is not an xlsx workbook")
                .hasMessageContaining("unpacks beyond the safety limits");
        assertThat(rows(rezip(crmWorkbook(), "xl/worksheets/sheet1.xml", " \n"))).as("the same, padded a little")
                .hasSize(4);
    }

    /** The workbook with {@code tail} (XML whitespace) appended to one of its parts. */
    private static byte[] rezip(byte[] workbook, String part, String tail) {
        return rewrite(workbook, Map.of(part, xml -> xml + tail));
    }

    /** The workbook with some of its (XML) parts, by their names in the zip, rewritten. */
    private static byte[] rewrite(byte[] workbook, Map<String, UnaryOperator<String>> parts) {
        try (java.util.zip.ZipInputStream in = new java.util.zip.ZipInputStream(new ByteArrayInputStream(workbook));
             ByteArrayOutputStream out = new ByteArrayOutputStream(); ZipOutputStream zip = new ZipOutputStream(out)) {
            for (ZipEntry entry = in.getNextEntry(); entry != null; entry = in.getNextEntry()) {
                zip.putNextEntry(new ZipEntry(entry.getName()));
                byte[] content = in.readAllBytes();
                UnaryOperator<String> change = parts.get(entry.getName());
                zip.write(change == null ? content : change.apply(new String(content, StandardCharsets.UTF_8))
                        .getBytes(StandardCharsets.UTF_8));
                zip.closeEntry();
            }
            zip.finish();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A workbook whose every worksheet holds one row: the worksheet's name, under the header {@code sheet}. */
    private static byte[] sheets(String... names) {
        return workbook(new XSSFWorkbook(), workbook -> {
            for (String name : names) {
                Sheet sheet = workbook.createSheet(name);
                row(sheet, 0, "sheet");
                row(sheet, 1, name);
            }
        });
    }

    /** Which worksheet {@code sheet} chooses, by what its row says. */
    private static String readFrom(byte[] file, String sheet) {
        return rows(file, sheet).get(0).columns().get("sheet").getStringValue();
    }

    /**
     * The workbook with its {@code n}th sheet (1-based, a worksheet as POI writes it) made a chart sheet, as Excel
     * saves a chart moved to a tab of its own: POI writes none.
     */
    private static byte[] asChartSheet(byte[] workbook, int n) {
        String part = "xl/worksheets/sheet" + n + ".xml";
        Pattern relation = Pattern.compile("<Relationship\\b[^>]*\"(/xl/)?worksheets/sheet" + n + "\\.xml\"[^>]*>");
        Pattern override = Pattern.compile("<Override\\b[^>]*\"/" + Pattern.quote(part) + "\"[^>]*>");
        return rewrite(workbook, Map.of(
                "xl/_rels/workbook.xml.rels", rels -> replaceIn(rels, relation,
                        "/relationships/worksheet\"", "/relationships/chartsheet\""),
                "[Content_Types].xml", types -> replaceIn(types, override,
                        "spreadsheetml.worksheet+xml", "spreadsheetml.chartsheet+xml"),
                part, xml -> "<?xml version=\"1.0\" encoding=\"UTF-8\" standalone=\"yes\"?>"
                        + "<chartsheet xmlns=\"http://schemas.openxmlformats.org/spreadsheetml/2006/main\">"
                        + "<sheetViews><sheetView workbookViewId=\"0\"/></sheetViews></chartsheet>"));
    }

    /** {@code text} with {@code from} replaced by {@code to} inside what {@code where} matches (exactly once). */
    private static String replaceIn(String text, Pattern where, String from, String to) {
        java.util.regex.Matcher found = where.matcher(text);
        assertThat(found.find()).as(where + " in " + text).isTrue();
        assertThat(found.group()).contains(from);
        return text.substring(0, found.start()) + found.group().replace(from, to) + text.substring(found.end());
    }

    @Test
    void readsTheWorksheetTheJobChoosesByTheNameOnItsTabOrItsPosition() {
        byte[] file = sheets("会员", "Stores", "1", "2024");

        assertThat(readFrom(file, "")).as("none chosen: the first, as before").isEqualTo("会员");
        assertThat(readFrom(file, "Stores")).isEqualTo("Stores");
        assertThat(readFrom(file, "会员")).isEqualTo("会员");
        assertThat(readFrom(file, "stores")).as("ignoring case").isEqualTo("Stores");
        assertThat(readFrom(file, " STORES ")).as("and spaces around it").isEqualTo("Stores");
        assertThat(readFrom(file, "2")).as("by position, from 1").isEqualTo("Stores");
        assertThat(readFrom(file, "02")).isEqualTo("Stores");
        assertThat(readFrom(file, "4")).isEqualTo("2024");
        assertThat(readFrom(file, "1")).as("a name wins over a position").isEqualTo("1");
        assertThat(readFrom(file, "2024")).isEqualTo("2024");
    }

    /** Excel refuses two names alike but for case; other tools write them, and then only the exact one is a choice. */
    @Test
    void anExactNameWinsOverOnesAlikeButForCaseAndSeveralSuchAreNoChoice() {
        byte[] file = workbook(new XSSFWorkbook(), workbook -> {
            for (String name : List.of("orders", "Orders")) {
                Sheet sheet = workbook.createSheet(name.equals("Orders") ? "renamed" : name);
                row(sheet, 0, "sheet");
                row(sheet, 1, name);
            }
            ((XSSFWorkbook) workbook).getCTWorkbook().getSheets().getSheetArray(1).setName("Orders");
        });

        assertThat(readFrom(file, "Orders")).isEqualTo("Orders");
        assertThat(readFrom(file, "orders")).isEqualTo("orders");
        assertThatThrownBy(() -> rows(file, "ORDERS")).isInstanceOf(ImportReader.UnreadableFileException.class)
                .hasMessage("the workbook has several worksheets named \"ORDERS\" but for case: \"orders\", \"Orders\";"
                        + " name one exactly as its tab shows it");
    }

    @Test
    void aWorksheetTheWorkbookDoesNotHaveFailsTheFileNamingThoseItHas() {
        byte[] file = sheets("Members", "Stores");

        assertThatThrownBy(() -> rows(file, "Orders")).isInstanceOf(ImportReader.UnreadableFileException.class)
                .hasMessage("the workbook has no worksheet \"Orders\"; its worksheets: \"Members\", \"Stores\"");
        assertThatThrownBy(() -> rows(file, "3")).isInstanceOf(ImportReader.UnreadableFileException.class)
                .hasMessage("the workbook has no worksheet \"3\" (no worksheet has that name, and position 3 is beyond"
                        + " its 2 worksheets); its worksheets: \"Members\", \"Stores\"");
        assertThatThrownBy(() -> rows(sheets("Members"), "99999999999999999999"))
                .hasMessageContaining("position 99999999999999999999 is beyond its 1 worksheet)");
        String[] many = java.util.stream.IntStream.rangeClosed(1, 25).mapToObj(i -> "S" + i).toArray(String[]::new);
        assertThatThrownBy(() -> rows(sheets(many), "Orders")).as("a long list is cut")
                .hasMessageEndingWith("; its worksheets: \"S1\", \"S2\", \"S3\", \"S4\", \"S5\", \"S6\", \"S7\","
                        + " \"S8\", \"S9\", \"S10\", \"S11\", \"S12\", \"S13\", \"S14\", \"S15\", \"S16\", \"S17\","
                        + " \"S18\", \"S19\", \"S20\" and 5 more");
        assertThatThrownBy(() -> rows(workbook(new XSSFWorkbook(), workbook -> { }), "Orders"))
                .hasMessage("the workbook has no worksheet \"Orders\": it has no worksheet at all");
    }

    /** A chart moved to a tab of its own holds no rows: it is never read, nor counted as a position. */
    @Test
    void chartSheetsAreNeitherReadNorCounted() {
        byte[] file = asChartSheet(sheets("Chart", "Members", "Stores"), 1);

        assertThat(readFrom(file, "")).isEqualTo("Members");
        assertThat(readFrom(file, "1")).isEqualTo("Members");
        assertThat(readFrom(file, "2")).isEqualTo("Stores");
        assertThatThrownBy(() -> rows(file, "Chart")).isInstanceOf(ImportReader.UnreadableFileException.class)
                .hasMessage("the workbook has no worksheet \"Chart\"; its worksheets: \"Members\", \"Stores\"");
        assertThatThrownBy(() -> rows(file, "3")).hasMessageContaining("position 3 is beyond its 2 worksheets");
        assertThatThrownBy(() -> rows(asChartSheet(sheets("Chart"), 1))).as("only a chart sheet")
                .isInstanceOf(ImportReader.UnreadableFileException.class)
                .hasMessage("the workbook has no worksheet");
    }

    @Test
    void reasonsNameTheChosenWorksheetByItsTab() {
        byte[] file = workbook(new XSSFWorkbook(), workbook -> {
            row(workbook.createSheet("Members"), 0, "name");
            Row header = workbook.createSheet("Stores").createRow(0);
            header.createCell(0).setCellValue("store");
            header.createCell(1).setCellErrorValue(FormulaError.REF.getCode());
            Sheet regions = workbook.createSheet("Regions");
            row(regions, 0, "region");
            row(regions, 1, "华东");
        });

        assertThat(rows(file, "")).as("the first has a header alone").isEmpty();
        assertThatThrownBy(() -> rows(file, "stores")).isInstanceOf(ImportReader.UnreadableFileException.class)
                .hasMessage("the header row of worksheet \"Stores\" is not a row of column names: column B holds an"
                        + " error (a formula that failed)");
        assertThatThrownBy(() -> rows(file, "2")).hasMessageStartingWith("the header row of worksheet \"Stores\" ");
        byte[] damaged = rewrite(file, Map.of("xl/worksheets/sheet3.xml",
                xml -> xml.replace("</sheetData>", "<row r=\"9\"><c r=\"A9\"></row></sheetData>")));
        assertThat(rows(damaged, "")).as("another worksheet is damaged").isEmpty();
        assertThatThrownBy(() -> rows(damaged, "Regions")).isInstanceOf(ImportReader.UnreadableFileException.class)
                .hasMessageStartingWith("worksheet \"Regions\" cannot be read after data row 1: its XML is damaged");
        assertThatThrownBy(() -> new ImportReader("xlsx", "", "Regions", new ByteArrayInputStream(file),
                file.length - 1)).isInstanceOf(ImportReader.UnreadableFileException.class)
                .hasMessageContaining("export worksheet \"Regions\" as CSV (UTF-8)");
    }

    @Test
    void numbersAreThePlainDecimalTheyStore() {
        assertThat(WorksheetRows.plain(13800138000d)).isEqualTo("13800138000");
        assertThat(WorksheetRows.plain(1234.5)).isEqualTo("1234.5");
        assertThat(WorksheetRows.plain(0.1 + 0.2)).isEqualTo("0.30000000000000004");
        assertThat(WorksheetRows.plain(-7)).isEqualTo("-7");
        assertThat(WorksheetRows.plain(1e20)).isEqualTo("100000000000000000000");
    }

    private static byte[] zip(String name, String content) {
        try (ByteArrayOutputStream out = new ByteArrayOutputStream(); ZipOutputStream zip = new ZipOutputStream(out)) {
            zip.putNextEntry(new ZipEntry(name));
            zip.write(content.getBytes(StandardCharsets.UTF_8));
            zip.closeEntry();
            zip.finish();
            return out.toByteArray();
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
