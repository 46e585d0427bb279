package io.portrait.gateway.domain;

import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.Map;

/** How a file becomes events. */
@Schema(name = "ImportRequest")
public record ImportRequest(
        @Schema(required = true, enumeration = {"csv", "ndjson", "xlsx"}, description = "csv (a header row), ndjson "
                + "(one JSON object per line) or xlsx (an Excel workbook: its first worksheet, a header row)")
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
        @Schema(description = "A csv or ndjson file's character set (refused for xlsx, which names its own): UTF-8 when absent; GB18030 (or GBK) for a CSV saved by Excel on "
                + "Chinese Windows, Big5, Shift_JIS, ...", example = "GB18030") String encoding,
        @Schema(description = "IANA time zone in which a timestamp without an offset is read (2026-03-01 10:30:00, "
                + "2026/3/1 10:30, an xlsx date cell, a date alone as midnight); without it such a timestamp rejects "
                + "its row. Timestamps with an offset or Z, and epoch millis, are read as they are.",
                example = "Asia/Shanghai") String timeZone) {
}
