package io.portrait.ingestion.engine;

import org.apache.poi.openxml4j.exceptions.OLE2NotOfficeXmlFileException;
import org.apache.poi.openxml4j.opc.OPCPackage;
import org.apache.poi.openxml4j.util.ZipInputStreamZipEntrySource;
import org.apache.poi.ss.usermodel.DataFormatter;
import org.apache.poi.ss.util.CellReference;
import org.apache.poi.util.XMLHelper;
import org.apache.poi.xssf.eventusermodel.ReadOnlySharedStringsTable;
import org.apache.poi.xssf.eventusermodel.XSSFReader;
import org.apache.poi.xssf.eventusermodel.XSSFSheetXMLHandler;
import org.apache.poi.xssf.usermodel.XSSFComment;
import org.apache.poi.xssf.usermodel.XSSFRelation;
import org.xml.sax.SAXException;
import org.xml.sax.helpers.AttributesImpl;

import javax.xml.stream.XMLStreamConstants;
import javax.xml.stream.XMLStreamException;
import javax.xml.stream.XMLStreamReader;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * The rows of an xlsx workbook (Office Open XML; the legacy .xls is {@link XlsRows}): one of its worksheets, the first in workbook
 * order unless the job chooses another ({@link WorksheetChoice}), whose first row with a value is the header, read as
 * much like a CSV file as a workbook allows, so the row mapper and the cleaners take it as they take CSV. Every cell
 * becomes text: strings as they are, numbers as the plain decimal they store whatever their display format
 * ({@code 13800138000}, not {@code 1.38E+10}; {@code 1234.5}, not {@code 1,234.50}), date-formatted numbers as
 * ISO-8601 without a zone ({@code 2024-03-05}, {@code 2024-03-05T10:30:00}), booleans as {@code true}/{@code false},
 * formulas as their cached result. Empty cells are absent, rows without a value are no rows, and data rows are
 * numbered from 1 as the CSV reader numbers them, so a job resumes by skipping the rows of its checkpoint whatever the
 * format. A cell holding an error ({@code #N/A}) makes its row unreadable, naming the column, never a value. What the
 * two workbook formats share once cells are text is {@link WorksheetRows}.
 *
 * <p>A zip's directory is at its end, so the workbook is read whole into memory first, up to a cap ({@code
 * imports.max-xlsx-size}), and never written to disk in clear: the upload is personal data, sealed at rest in the
 * store. POI unpacks its parts as it opens it, each large one into a temporary file encrypted with a key held only in
 * memory ({@link #SPILL_BYTES}), and refuses a zip bomb (ZipSecureFile's limits, left on). The worksheet is then parsed as it is pulled: a StAX reader feeds POI's streaming sheet handler
 * one XML event at a time until a row is complete, so one row is held at a time and no thread is needed, and the
 * shared strings are read with the read-only table rather than the whole-workbook model.
 */
final class XlsxRows implements ImportRows {

    /**
     * A part of the workbook that unpacks larger than this (in practice the worksheet itself) is kept by POI in a
     * temporary file encrypted with a key held only in memory, instead of in the heap: unpacked, a worksheet is some
     * fifteen times its share of the file, and holding it whole took over 256 MB of heap for a 9 MB workbook. No
     * clear text of the upload reaches the disk; the file is deleted when the workbook is closed.
     */
    static final int SPILL_BYTES = 4 * 1024 * 1024;

    static {
        ZipInputStreamZipEntrySource.setThresholdBytesForTempFiles(SPILL_BYTES);
        ZipInputStreamZipEntrySource.setEncryptTempFiles(true);
    }

    private static final Pattern NUMBER = Pattern.compile("[-+]?(\\d+\\.?\\d*|\\.\\d+)([eE][-+]?\\d+)?");

    private final OPCPackage workbook;
    /** The header, the numbering and the reasons of the worksheet read. */
    private final WorksheetRows rows;
    private final InputStream sheet;
    private final XMLStreamReader xml;
    private final XSSFSheetXMLHandler handler;
    /** The rows completed by the handler and not handed out yet (one, or none). */
    private final List<Map<Integer, WorksheetRows.Cell>> completed = new ArrayList<>(1);
    /** The cells of the row being parsed, by 0-based column. */
    private Map<Integer, WorksheetRows.Cell> cells = new LinkedHashMap<>();
    /** The type ({@code t}) of the cell being parsed; null for a number. */
    private String cellType;
    private int lastColumn = -1;
    private boolean ended;

    /**
     * @param maxBytes the largest workbook read; a larger one fails the file
     * @param choice   the worksheet to read; one the workbook does not have fails the file, naming those it has
     */
    XlsxRows(InputStream input, long maxBytes, WorksheetChoice choice) {
        byte[] bytes = WorksheetRows.readAtMost(input, maxBytes, choice, ImportReader.XLSX);
        OPCPackage opened = open(bytes, choice);
        try {
            XSSFReader reader = new XSSFReader(opened);
            List<String> worksheets = worksheetNames(reader);
            int chosen = choice.pick(worksheets);
            this.rows = new WorksheetRows(WorksheetChoice.describe(choice.first(), worksheets.get(chosen)));
            InputStream data = worksheet(reader, chosen);
            boolean date1904 = uses1904Dates(reader);
            this.handler = new XSSFSheetXMLHandler(reader.getStylesTable(), null,
                    new ReadOnlySharedStringsTable(opened, false), new Collector(), new PlainFormatter(date1904),
                    false);
            this.sheet = data;
            this.xml = XMLHelper.newXMLInputFactory().createXMLStreamReader(data);
            this.workbook = opened;
        } catch (ImportReader.UnreadableFileException e) {
            opened.revert();
            throw e;
        } catch (IOException | RuntimeException | SAXException | XMLStreamException
                 | org.apache.poi.openxml4j.exceptions.OpenXML4JException e) {
            opened.revert();
            throw new ImportReader.UnreadableFileException("the workbook cannot be read: its parts are not those of an"
                    + " Excel workbook, or damaged; open it in Excel and save it again as .xlsx, or export "
                    + WorksheetRows.toExport(choice) + " as CSV (UTF-8)", e);
        }
    }

    /**
     * The names of the workbook's worksheets in the order of its tabs. Chart sheets (and macro or dialog sheets) hold
     * no rows: they are left out, so they are never read and never counted as a position.
     */
    private static List<String> worksheetNames(XSSFReader reader) throws IOException,
            org.apache.poi.openxml4j.exceptions.InvalidFormatException {
        List<String> names = new ArrayList<>();
        XSSFReader.SheetIterator sheets = reader.getSheetIterator();
        while (sheets.hasNext()) {
            sheets.next().close();
            if (isWorksheet(sheets)) {
                names.add(sheets.getSheetName());
            }
        }
        return names;
    }

    /** The XML of the worksheet at {@code index} (0-based) among the workbook's worksheets. */
    private static InputStream worksheet(XSSFReader reader, int index) throws IOException,
            org.apache.poi.openxml4j.exceptions.InvalidFormatException {
        XSSFReader.SheetIterator sheets = reader.getSheetIterator();
        int at = 0;
        while (sheets.hasNext()) {
            InputStream data = sheets.next();
            if (isWorksheet(sheets) && at++ == index) {
                return data;
            }
            data.close();
        }
        throw new IllegalStateException("the workbook's worksheet " + (index + 1) + " is gone between two reads");
    }

    private static boolean isWorksheet(XSSFReader.SheetIterator sheets) {
        return XSSFRelation.WORKSHEET.getContentType().equals(sheets.getSheetPart().getContentType());
    }

    private static OPCPackage open(byte[] bytes, WorksheetChoice choice) {
        try {
            return OPCPackage.open(new ByteArrayInputStream(bytes));
        } catch (OLE2NotOfficeXmlFileException e) {
            throw new ImportReader.UnreadableFileException("the file is not an xlsx workbook but an Office 97-2003 one"
                    + " (a legacy .xls: import it with format xls) or a password-protected workbook: save it in Excel"
                    + " as \"Excel Workbook (.xlsx)\" without a password, or export " + WorksheetRows.toExport(choice)
                    + " as CSV (UTF-8)", e);
        } catch (IOException | RuntimeException | org.apache.poi.openxml4j.exceptions.InvalidFormatException e) {
            // Not a zip, a zip that is no workbook, or one whose parts unpack beyond ZipSecureFile's limits.
            throw new ImportReader.UnreadableFileException("the file is not an xlsx workbook (an Office Open XML"
                    + " spreadsheet, as Excel and WPS save .xlsx) or it unpacks beyond the safety limits for a zip;"
                    + " export " + WorksheetRows.toExport(choice) + " as CSV (UTF-8) and import that", e);
        }
    }

    /** Whether the workbook counts dates from 1904 (older Excel for Mac) instead of 1900. */
    private static boolean uses1904Dates(XSSFReader reader) throws IOException, XMLStreamException,
            org.apache.poi.openxml4j.exceptions.InvalidFormatException {
        try (InputStream data = reader.getWorkbookData()) {
            XMLStreamReader workbook = XMLHelper.newXMLInputFactory().createXMLStreamReader(data);
            try {
                while (workbook.hasNext()) {
                    if (workbook.next() == XMLStreamConstants.START_ELEMENT) {
                        String name = workbook.getLocalName();
                        if (name.equals("workbookPr")) {
                            String flag = workbook.getAttributeValue(null, "date1904");
                            return "1".equals(flag) || "true".equals(flag);
                        }
                        if (name.equals("sheets")) {
                            return false;
                        }
                    }
                }
                return false;
            } finally {
                workbook.close();
            }
        }
    }

    @Override
    public ImportReader.Row next() {
        while (true) {
            Map<Integer, WorksheetRows.Cell> cells = nextSheetRow();
            if (cells == null) {
                return null;
            }
            ImportReader.Row row = rows.row(cells);
            if (row != null) {
                return row;
            }
        }
    }

    /** Feeds the sheet's XML to the handler, one event at a time, until it completes a row; null at the end. */
    private Map<Integer, WorksheetRows.Cell> nextSheetRow() {
        try {
            while (completed.isEmpty() && !ended) {
                if (!xml.hasNext()) {
                    ended = true;
                    break;
                }
                switch (xml.next()) {
                    case XMLStreamConstants.START_ELEMENT -> {
                        AttributesImpl attributes = new AttributesImpl();
                        for (int i = 0; i < xml.getAttributeCount(); i++) {
                            String prefix = xml.getAttributePrefix(i);
                            String local = xml.getAttributeLocalName(i);
                            attributes.addAttribute(xml.getAttributeNamespace(i) == null ? ""
                                            : xml.getAttributeNamespace(i), local,
                                    prefix == null || prefix.isEmpty() ? local : prefix + ":" + local, "CDATA",
                                    xml.getAttributeValue(i));
                        }
                        if (XSSFRelation.NS_SPREADSHEETML.equals(xml.getNamespaceURI())
                                && xml.getLocalName().equals("c")) {
                            cellType = attributes.getValue("t");
                        }
                        handler.startElement(namespace(), xml.getLocalName(), qualifiedName(), attributes);
                    }
                    case XMLStreamConstants.END_ELEMENT ->
                            handler.endElement(namespace(), xml.getLocalName(), qualifiedName());
                    case XMLStreamConstants.CHARACTERS, XMLStreamConstants.CDATA, XMLStreamConstants.SPACE ->
                            handler.characters(xml.getTextCharacters(), xml.getTextStart(), xml.getTextLength());
                    case XMLStreamConstants.END_DOCUMENT -> ended = true;
                    default -> {
                        // comments, processing instructions: nothing for the handler
                    }
                }
            }
        } catch (XMLStreamException | SAXException | RuntimeException e) {
            throw new ImportReader.UnreadableFileException(rows.worksheet() + " cannot be read after data row "
                    + rows.number()
                    + ": its XML is damaged; open the workbook in Excel and save it again, or export the worksheet as"
                    + " CSV (UTF-8)", e);
        }
        return completed.isEmpty() ? null : completed.remove(0);
    }

    private String namespace() {
        return xml.getNamespaceURI() == null ? "" : xml.getNamespaceURI();
    }

    private String qualifiedName() {
        String prefix = xml.getPrefix();
        return prefix == null || prefix.isEmpty() ? xml.getLocalName() : prefix + ":" + xml.getLocalName();
    }

    /** Collects the handler's cells into rows, as text, telling an error cell by its type. */
    private final class Collector implements XSSFSheetXMLHandler.SheetContentsHandler {

        @Override
        public void startRow(int rowNum) {
            cells = new LinkedHashMap<>();
            lastColumn = -1;
        }

        @Override
        public void endRow(int rowNum) {
            completed.add(cells);
        }

        @Override
        public void cell(String reference, String formatted, XSSFComment comment) {
            int column = reference == null ? lastColumn + 1 : new CellReference(reference).getCol();
            lastColumn = column;
            if ("e".equals(cellType)) {
                cells.put(column, WorksheetRows.Cell.ERROR);
            } else if (formatted != null) {
                cells.put(column, WorksheetRows.Cell.of(text(formatted)));
            }
        }

        private String text(String formatted) {
            if ("b".equals(cellType)) {
                return formatted.toLowerCase(Locale.ROOT);
            }
            if ((cellType == null || cellType.equals("n")) && NUMBER.matcher(formatted).matches()) {
                // A number the handler passed on unformatted (a workbook without styles).
                return WorksheetRows.plain(Double.parseDouble(formatted));
            }
            return formatted;
        }
    }

    /** Formats a number cell by what it stores, not by its display format ({@link WorksheetRows#number}). */
    private static final class PlainFormatter extends DataFormatter {

        private final boolean date1904;

        PlainFormatter(boolean date1904) {
            this.date1904 = date1904;
        }

        @Override
        public String formatRawCellContents(double value, int formatIndex, String formatString) {
            return formatRawCellContents(value, formatIndex, formatString, date1904);
        }

        @Override
        public String formatRawCellContents(double value, int formatIndex, String formatString,
                                            boolean use1904Windowing) {
            return WorksheetRows.number(value, formatIndex, formatString, date1904);
        }
    }

    @Override
    public void close() {
        try {
            xml.close();
            sheet.close();
        } catch (XMLStreamException | IOException e) {
            // nothing was written: closing a read of memory cannot lose anything
        } finally {
            workbook.revert();
        }
    }
}
