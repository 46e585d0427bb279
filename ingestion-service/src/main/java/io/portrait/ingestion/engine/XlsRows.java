package io.portrait.ingestion.engine;

import org.apache.poi.EncryptedDocumentException;
import org.apache.poi.hssf.OldExcelFormatException;
import org.apache.poi.hssf.eventusermodel.AbortableHSSFListener;
import org.apache.poi.hssf.eventusermodel.FormatTrackingHSSFListener;
import org.apache.poi.hssf.eventusermodel.MissingRecordAwareHSSFListener;
import org.apache.poi.hssf.eventusermodel.dummyrecord.LastCellOfRowDummyRecord;
import org.apache.poi.hssf.record.BOFRecord;
import org.apache.poi.hssf.record.BoolErrRecord;
import org.apache.poi.hssf.record.BoundSheetRecord;
import org.apache.poi.hssf.record.CellValueRecordInterface;
import org.apache.poi.hssf.record.DateWindow1904Record;
import org.apache.poi.hssf.record.EOFRecord;
import org.apache.poi.hssf.record.FormulaRecord;
import org.apache.poi.hssf.record.LabelRecord;
import org.apache.poi.hssf.record.LabelSSTRecord;
import org.apache.poi.hssf.record.NumberRecord;
import org.apache.poi.hssf.record.Record;
import org.apache.poi.hssf.record.RecordFactoryInputStream;
import org.apache.poi.hssf.record.SSTRecord;
import org.apache.poi.hssf.record.StringRecord;
import org.apache.poi.poifs.filesystem.DirectoryNode;
import org.apache.poi.poifs.filesystem.Entry;
import org.apache.poi.poifs.filesystem.FileMagic;
import org.apache.poi.poifs.filesystem.POIFSFileSystem;
import org.apache.poi.ss.usermodel.CellType;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The rows of a legacy Excel 97-2003 workbook (.xls, BIFF8 in an OLE2 file), which CRM and POS systems still export:
 * one of its worksheets, chosen as for xlsx ({@link WorksheetChoice}: the first unless the job names another; chart
 * and macro sheets are not counted), read exactly as {@link XlsxRows} reads one ({@link WorksheetRows}): the first
 * row with a value is the header, cells become the same text (strings as they are, numbers as the plain decimal they
 * store, date-formatted numbers as ISO-8601 without a zone counted from 1900 or 1904 as the workbook says, booleans as
 * {@code true}/{@code false}, formulas as their cached result), a cell holding an error costs its row, naming the
 * column, and data rows are numbered from 1.
 *
 * <p>An OLE2 file's directory may point anywhere in it, so the workbook is read whole into memory first, up to the
 * cap xlsx has ({@code imports.max-xlsx-size}), never written to disk. Its records are then pulled one at a time
 * (POI's record stream and event listeners, never the whole-workbook model): the shared strings and the list of sheets
 * first, then the sheets' records, as far as the next row of the chosen worksheet asks, and no further than its end.
 * So besides the file (and its shared strings) the memory held is that of a row.
 */
final class XlsRows implements ImportRows {

    /** The sheet type a BoundSheet record gives a worksheet (1 is a macro sheet, 2 a chart, 6 a Visual Basic module). */
    private static final int WORKSHEET = 0;
    /** The BIFF version of Excel 97 to 2003; earlier ones are not read. */
    private static final int BIFF8 = BOFRecord.VERSION;

    private final POIFSFileSystem file;
    /** The workbook's records, pulled one at a time as rows are asked for. */
    private final RecordFactoryInputStream records;
    private final Collector collector;
    private final WorksheetRows rows;
    private boolean exhausted;

    /**
     * @param maxBytes the largest workbook read; a larger one fails the file
     * @param choice   the worksheet to read; one the workbook does not have fails the file, naming those it has
     */
    XlsRows(InputStream input, long maxBytes, WorksheetChoice choice) {
        byte[] bytes = WorksheetRows.readAtMost(input, maxBytes, choice, ImportReader.XLS);
        this.collector = new Collector(choice);
        this.file = open(bytes, choice);
        try {
            this.records = new RecordFactoryInputStream(workbookStream(file.getRoot(), choice), false);
            // The globals (shared strings, date system, the sheets in tab order) come first: read them, which
            // chooses the worksheet, and stop there; the worksheet's records are pulled as its rows are asked for.
            while (!collector.globalsRead && pull()) {
                // the collector takes each record
            }
        } catch (RuntimeException e) {
            closeQuietly();
            throw unreadable(e, choice);
        }
        if (collector.worksheet == null) {
            // No sheet after the workbook's globals: the choice is met or refused by the worksheets listed there.
            collector.choose();
        }
        this.rows = new WorksheetRows(collector.worksheet);
    }

    /** Hands the next record to the collector; false at the end of the records. */
    private boolean pull() {
        Record record = records.nextRecord();
        if (record == null) {
            exhausted = true;
            collector.endRow();
            return false;
        }
        collector.abortableProcessRecord(record);
        return true;
    }

    private static ImportReader.UnreadableFileException unreadable(RuntimeException e, WorksheetChoice choice) {
        if (e instanceof ImportReader.UnreadableFileException unreadable) {
            return unreadable;
        }
        if (e instanceof EncryptedDocumentException) {
            return passwordProtected(choice, e);
        }
        if (e instanceof OldExcelFormatException) {
            return oldFormat(e);
        }
        return new ImportReader.UnreadableFileException("the workbook cannot be read: its records are not those of"
                + " an Excel 97-2003 workbook, or damaged; open it in Excel and save it again as .xlsx, or export "
                + WorksheetRows.toExport(choice) + " as CSV (UTF-8)", e);
    }

    private static POIFSFileSystem open(byte[] bytes, WorksheetChoice choice) {
        FileMagic magic = FileMagic.valueOf(bytes);
        if (magic == FileMagic.OOXML) {
            throw new ImportReader.UnreadableFileException("the file is an xlsx workbook (Office Open XML), not a"
                    + " legacy .xls: import it with format xlsx");
        }
        if (magic == FileMagic.BIFF2 || magic == FileMagic.BIFF3 || magic == FileMagic.BIFF4) {
            throw oldFormat(null);
        }
        if (magic != FileMagic.OLE2) {
            throw new ImportReader.UnreadableFileException("the file is not an xls workbook (an Excel 97-2003"
                    + " workbook, as Excel and WPS save .xls; some systems name a web page or a text file .xls): open"
                    + " it in Excel and save it as .xlsx, or export " + WorksheetRows.toExport(choice)
                    + " as CSV (UTF-8), and import that");
        }
        try {
            return new POIFSFileSystem(new ByteArrayInputStream(bytes));
        } catch (IOException | RuntimeException e) {
            throw new ImportReader.UnreadableFileException("the file is not an xls workbook: its Office 97-2003"
                    + " container is damaged; open it in Excel and save it again as .xlsx, or export "
                    + WorksheetRows.toExport(choice) + " as CSV (UTF-8)", e);
        }
    }

    /** The stream of the workbook's records, telling a file that holds none it can read by what it holds instead. */
    private static InputStream workbookStream(DirectoryNode root, WorksheetChoice choice) {
        try {
            if (root.hasEntryCaseInsensitive("Workbook")) {
                return root.createDocumentInputStream(root.getEntryCaseInsensitive("Workbook"));
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        if (root.hasEntryCaseInsensitive("Book")) {
            throw oldFormat(null);
        }
        if (root.hasEntry("EncryptedPackage")) {
            // An xlsx workbook saved with a password to open it comes in an OLE2 file.
            throw passwordProtected(choice, null);
        }
        throw new ImportReader.UnreadableFileException("the file is an Office 97-2003 document but not an Excel"
                + " workbook (it holds no workbook stream): export " + WorksheetRows.toExport(choice)
                + " as CSV (UTF-8) and import that");
    }

    private static ImportReader.UnreadableFileException passwordProtected(WorksheetChoice choice, Throwable cause) {
        return new ImportReader.UnreadableFileException("the workbook is password-protected: open it in Excel, remove"
                + " the password to open it and save it again, or export " + WorksheetRows.toExport(choice)
                + " as CSV (UTF-8)", cause);
    }

    private static ImportReader.UnreadableFileException oldFormat(Throwable cause) {
        return new ImportReader.UnreadableFileException("the workbook is in the format of Excel 5.0/95 or older,"
                + " which is not read: open it in Excel or WPS and save it as .xlsx or CSV (UTF-8), and import that",
                cause);
    }

    @Override
    public ImportReader.Row next() {
        while (true) {
            while (!collector.completed.isEmpty()) {
                ImportReader.Row row = rows.row(collector.completed.removeFirst());
                if (row != null) {
                    return row;
                }
            }
            if (collector.done || exhausted) {
                return null;
            }
            try {
                pull();
            } catch (RuntimeException e) {
                throw new ImportReader.UnreadableFileException(rows.worksheet() + " cannot be read after data row "
                        + rows.number() + ": its records are damaged; open the workbook in Excel and save it again,"
                        + " or export the worksheet as CSV (UTF-8)", e);
            }
        }
    }

    @Override
    public void close() {
        collector.completed.clear();
        closeQuietly();
    }

    private void closeQuietly() {
        try {
            file.close();
        } catch (IOException e) {
            // an in-memory file: nothing is left open
        }
    }

    /**
     * Takes the workbook's records as they are pulled: the globals (shared strings, date system, the sheets in tab
     * order), then each sheet's records in file order; keeps the chosen worksheet's rows, as text, until they are
     * handed out, and is done after it.
     * Records reach it through POI's listeners that tell the end of each row and the number format of each cell.
     */
    private static final class Collector extends AbortableHSSFListener {

        private final WorksheetChoice choice;
        private final FormatTrackingHSSFListener formats;
        private final List<BoundSheetRecord> sheets = new ArrayList<>();
        private final Deque<Map<Integer, WorksheetRows.Cell>> completed = new ArrayDeque<>();
        private SSTRecord strings;
        private boolean date1904;
        /** How many BOF records are open: 1 within the globals or a sheet, more within a chart embedded in a sheet. */
        private int depth;
        private boolean globalsRead;
        /** The sheets in the order of their records in the file; known once the globals are read. */
        private BoundSheetRecord[] inFileOrder;
        private int sheetsStarted;
        /** The chosen worksheet's record; null before the globals are read. */
        private BoundSheetRecord chosen;
        /** How reasons name the chosen worksheet; null before it is chosen. */
        private String worksheet;
        private boolean reading;
        private boolean done;
        private int rowNumber = -1;
        private Map<Integer, WorksheetRows.Cell> cells = new LinkedHashMap<>();
        /** The row and column a formula's string result, in the STRING record that follows it, belongs to. */
        private Map<Integer, WorksheetRows.Cell> stringRow;
        private int stringColumn;

        Collector(WorksheetChoice choice) {
            this.choice = choice;
            this.formats = new FormatTrackingHSSFListener(new MissingRecordAwareHSSFListener(this::take));
        }

        /** Every record enters here, goes through the listeners that track formats and rows, and comes back. */
        @Override
        public short abortableProcessRecord(Record record) {
            formats.processRecord(record);
            return (short) (done ? 1 : 0);
        }

        /** A record back from the listeners. */
        private void take(Record record) {
            if (record instanceof BOFRecord bof) {
                begin(bof);
            } else if (record instanceof EOFRecord) {
                end();
            } else if (depth == 1 && !globalsRead) {
                global(record);
            } else if (depth == 1 && reading) {
                cell(record);
            }
        }

        private void begin(BOFRecord bof) {
            depth++;
            if (depth > 1) {
                return;
            }
            if (!globalsRead) {
                if (bof.getVersion() != BIFF8) {
                    throw oldFormat(null);
                }
                return;
            }
            reading = inFileOrder.length > sheetsStarted && inFileOrder[sheetsStarted++] == chosen;
        }

        private void end() {
            depth--;
            if (depth > 0) {
                return;
            }
            if (!globalsRead) {
                globalsRead = true;
                choose();
            } else if (reading) {
                endRow();
                reading = false;
                done = true;
            }
        }

        /** Picks the worksheet to read among those the globals list. */
        void choose() {
            List<BoundSheetRecord> worksheets = sheets.stream().filter(Collector::isWorksheet).toList();
            int index = choice.pick(worksheets.stream().map(BoundSheetRecord::getSheetname).toList());
            chosen = worksheets.get(index);
            worksheet = WorksheetChoice.describe(choice.first(), chosen.getSheetname());
            inFileOrder = BoundSheetRecord.orderByBofPosition(sheets);
        }

        /** Whether a sheet holds cells: not a chart, a macro sheet or a module, which the high byte of its options says. */
        private static boolean isWorksheet(BoundSheetRecord sheet) {
            Object options = sheet.getGenericProperties().get("optionFlags").get();
            return options instanceof Number flags && (flags.intValue() >> 8 & 0xFF) == WORKSHEET;
        }

        private void global(Record record) {
            if (record instanceof BoundSheetRecord sheet) {
                sheets.add(sheet);
            } else if (record instanceof SSTRecord sst) {
                strings = sst;
            } else if (record instanceof DateWindow1904Record window) {
                date1904 = window.getWindowing() == 1;
            }
        }

        private void cell(Record record) {
            if (record instanceof LastCellOfRowDummyRecord) {
                endRow();
                return;
            }
            if (record instanceof StringRecord text) {
                if (stringRow != null && !text.getString().isEmpty()) {
                    stringRow.put(stringColumn, WorksheetRows.Cell.of(text.getString()));
                }
                stringRow = null;
                return;
            }
            if (!(record instanceof CellValueRecordInterface cell)) {
                return;
            }
            if (cell.getRow() != rowNumber) {
                endRow();
                rowNumber = cell.getRow();
            }
            stringRow = null;
            WorksheetRows.Cell value = value(record, cell);
            if (value != null) {
                cells.put((int) cell.getColumn(), value);
            }
        }

        /** A cell's text; null when it has none (blank, an empty string, a formula whose text comes next). */
        private WorksheetRows.Cell value(Record record, CellValueRecordInterface cell) {
            if (record instanceof LabelSSTRecord label) {
                return text(strings == null ? "" : strings.getString(label.getSSTIndex()).getString());
            }
            if (record instanceof LabelRecord label) {
                return text(label.getValue());
            }
            if (record instanceof NumberRecord number) {
                return number(number.getValue(), cell);
            }
            if (record instanceof BoolErrRecord boolErr) {
                return boolErr.isError() ? WorksheetRows.Cell.ERROR
                        : WorksheetRows.Cell.of(String.valueOf(boolErr.getBooleanValue()));
            }
            if (record instanceof FormulaRecord formula) {
                CellType result = formula.getCachedResultTypeEnum();
                if (result == CellType.NUMERIC) {
                    return number(formula.getValue(), cell);
                }
                if (result == CellType.BOOLEAN) {
                    return WorksheetRows.Cell.of(String.valueOf(formula.getCachedBooleanValue()));
                }
                if (result == CellType.ERROR) {
                    return WorksheetRows.Cell.ERROR;
                }
                if (formula.hasCachedResultString()) {
                    stringRow = cells;
                    stringColumn = cell.getColumn();
                }
            }
            return null;
        }

        private static WorksheetRows.Cell text(String text) {
            return text == null || text.isEmpty() ? null : WorksheetRows.Cell.of(text);
        }

        private WorksheetRows.Cell number(double value, CellValueRecordInterface cell) {
            return WorksheetRows.Cell.of(WorksheetRows.number(value, formats.getFormatIndex(cell),
                    formats.getFormatString(cell), date1904));
        }

        /** Keeps the row being read, when it has a cell or awaits a formula's text, and starts the next one. */
        void endRow() {
            if (!cells.isEmpty() || stringRow == cells) {
                completed.add(cells);
                cells = new LinkedHashMap<>();
            }
            rowNumber = -1;
        }
    }
}
