package io.portrait.gateway.domain;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.Map;

/** How a file becomes events. */
@Schema(name = "ImportRequest")
public record ImportRequest(
        @Schema(required = true, enumeration = {"csv", "ndjson", "xlsx", "xls"}, description = "csv (a header row), "
                + "ndjson (one JSON object per line), xlsx (an Excel workbook: its first worksheet unless sheet names "
                + "another, a header row) or xls (a legacy Excel 97-2003 workbook, read as xlsx is)")
        String format,
        @Schema(description = "Source of the events; \"import\" when absent.", example = "crm") String source,
        @Schema(description = "Event type of rows that name none.", example = "identify") String type,
        @Schema(description = "Track event name of rows that name none.") String event,
        @Schema(description = "Channel of rows that name none.", example = "crm") String channel,
        @Schema(description = "Column to event field: message_id, type, event, name, channel, timestamp, "
                + "identifiers.<type>, traits.<name>, properties.<name>, consent.<purpose>. Without it, columns must "
                + "be named by their fields.", example = "{\"mail\": \"identifiers.email\", \"sex\": \"traits.gender\"}")
        Map<String, String> mapping,
        @Schema(description = "For your reference.") String fileName,
        @Schema(description = "A csv or ndjson file's character set (refused for xlsx and xls, which name their own): UTF-8 when absent; GB18030 (or GBK) for a CSV saved by Excel on "
                + "Chinese Windows, Big5, Shift_JIS, ...", example = "GB18030") String encoding,
        @Schema(description = "IANA time zone in which a timestamp without an offset is read (2026-03-01 10:30:00, "
                + "2026/3/1 10:30, an xlsx or xls date cell, a date alone as midnight); without it such a timestamp rejects "
                + "its row. Timestamps with an offset or Z, and epoch millis, are read as they are.",
                example = "Asia/Shanghai") String timeZone,
        @Schema(description = "The worksheet of an xlsx or xls workbook to read (refused for csv and ndjson): the first when "
                + "absent; else the one of that name as its tab shows it (an exact match, else the only one matching "
                + "ignoring case), or, when no name matches a number, the one at that position among the worksheets, "
                + "from 1 (chart sheets not counted). At most 31 characters; a workbook without it fails the job, "
                + "naming the worksheets it has.", maxLength = 31, example = "会员") String sheet) {
}
