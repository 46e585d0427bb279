package io.portrait.gateway.domain;

import com.fasterxml.jackson.annotation.JsonInclude;
import org.eclipse.microprofile.openapi.annotations.media.Schema;

import java.util.Map;

/** An import job and its progress. */
@JsonInclude(JsonInclude.Include.NON_NULL)
@Schema(name = "Import")
public record ImportView(String id,
                         @Schema(enumeration = {"uploading", "queued", "running", "done", "failed"}) String status,
                         String format, String source, String type, String event, String channel,
                         Map<String, String> mapping, String fileName,
                         @Schema(description = "The file's character set, by its canonical name.", example = "GB18030")
                         String encoding,
                         @Schema(description = "The time zone of the file's times without an offset, by its canonical "
                                 + "id.", example = "Asia/Shanghai")
                         String timeZone,
                         @Schema(description = "The worksheet of an xlsx or xls workbook the job reads, as it was asked for "
                                 + "(a name or a position); absent for the first.", example = "会员")
                         String sheet,
                         long rowsRead, long rowsAccepted, long rowsRejected, long bytes,
                         String createdAt, String updatedAt, String error) {
}
