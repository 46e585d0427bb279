package io.portrait.ingestion.grpc;

import com.google.protobuf.ByteString;
import com.mongodb.client.MongoClient;
import com.mongodb.client.MongoCollection;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.portrait.common.testing.MongoTestResource;
import io.portrait.ingestion.repository.ImportReasonScrub;
import io.portrait.proto.ingestion.v1.AppendImportChunkRequest;
import io.portrait.proto.ingestion.v1.CompleteImportUploadRequest;
import io.portrait.proto.ingestion.v1.CreateImportRequest;
import io.portrait.proto.ingestion.v1.EraseProfileEventsRequest;
import io.portrait.proto.ingestion.v1.FieldError;
import io.portrait.proto.ingestion.v1.GetImportRequest;
import io.portrait.proto.ingestion.v1.ImportJob;
import io.portrait.proto.ingestion.v1.ImportReject;
import io.portrait.proto.ingestion.v1.ImportSpec;
import io.portrait.proto.ingestion.v1.IngestEventsRequest;
import io.portrait.proto.ingestion.v1.IngestEventsResponse;
import io.portrait.proto.ingestion.v1.Ingestion;
import io.portrait.proto.ingestion.v1.ListImportRejectsRequest;
import io.portrait.proto.ingestion.v1.ListImportRejectsResponse;
import io.portrait.proto.ingestion.v1.ListProfileEventsRequest;
import io.portrait.proto.ingestion.v1.ListProfileEventsResponse;
import io.portrait.proto.ingestion.v1.ListQuarantinedEventsRequest;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.bson.Document;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Date;
import java.util.List;
import java.util.function.Supplier;

import static io.portrait.ingestion.grpc.TestEvents.workspace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

@QuarkusTest
@WithTestResource(MongoTestResource.class)
class ImportTest {

    private static final Duration CALL = Duration.ofSeconds(30);
    private static final Duration JOB = Duration.ofSeconds(60);

    /** A CRM export: one row has an unreadable phone, one a gender nobody can read. */
    private static final String CRM_CSV = """
            \uFEFFcustomer,mail,mobile,sex,born,signed_up
            C-1,ann@example.com,13800138000,女,1990/4/1,2026-01-05 10:00:00+08:00
            C-2,bob@example.com,,M,,2026-01-06T10:00:00Z
            C-3,,12345,F,,2026-01-07T10:00:00Z
            C-4,"dora@example.com",13900139000,robot,,2026-01-08T10:00:00Z
            C-5,eve@example.com,,male,19851231,2026-01-09T10:00:00Z
            C-6,"frank, jr@example.com",,,,2026-01-10T10:00:00Z
            C-7,gus@example.com,,1,,2026-01-11T10:00:00Z
            C-8,hal@example.com,,2,,2026-01-12T10:00:00Z
            """;

    @GrpcClient("ingestion")
    Ingestion ingestion;

    @Inject
    MongoClient mongo;

    @Inject
    ImportReasonScrub reasonScrub;

    private static ImportSpec crmSpec() {
        return ImportSpec.newBuilder().setFormat("csv").setSource("crm-export").setType("identify").setChannel("crm")
                .setFileName("customers.csv")
                .putMapping("customer", "identifiers.crm_id").putMapping("mail", "identifiers.email")
                .putMapping("mobile", "identifiers.phone").putMapping("sex", "traits.gender")
                .putMapping("born", "traits.birthday").putMapping("signed_up", "timestamp")
                .build();
    }

    private ImportJob create(String workspace, ImportSpec spec) {
        return ingestion.createImport(CreateImportRequest.newBuilder().setWorkspace(workspace).setSpec(spec).build())
                .await().atMost(CALL).getJob();
    }

    private void append(String workspace, String id, int seq, byte[] data) {
        ingestion.appendImportChunk(AppendImportChunkRequest.newBuilder().setWorkspace(workspace).setId(id).setSeq(seq)
                .setData(ByteString.copyFrom(data)).build()).await().atMost(CALL);
    }

    private ImportJob complete(String workspace, String id, int chunks) {
        return ingestion.completeImportUpload(CompleteImportUploadRequest.newBuilder().setWorkspace(workspace).setId(id)
                .setChunks(chunks).build()).await().atMost(CALL).getJob();
    }

    /** Uploads the file in two chunks cut in its middle (a workbook's zip or container split anywhere) and completes. */
    private void uploadInHalves(String workspace, String id, byte[] file) {
        int cut = file.length / 2;
        append(workspace, id, 0, java.util.Arrays.copyOfRange(file, 0, cut));
        append(workspace, id, 1, java.util.Arrays.copyOfRange(file, cut, file.length));
        complete(workspace, id, 2);
    }

    private ImportJob job(String workspace, String id) {
        return ingestion.getImport(GetImportRequest.newBuilder().setWorkspace(workspace).setId(id).build())
                .await().atMost(CALL).getJob();
    }

    private ImportJob awaitDone(String workspace, String id) {
        await().atMost(JOB).until(() -> job(workspace, id).getStatus().equals("done"));
        return job(workspace, id);
    }

    private List<ImportReject> rejects(String workspace, String id, int pageSize) {
        List<ImportReject> all = new ArrayList<>();
        String token = "";
        do {
            ListImportRejectsResponse page = ingestion.listImportRejects(ListImportRejectsRequest.newBuilder()
                    .setWorkspace(workspace).setId(id).setPageSize(pageSize).setPageToken(token).build())
                    .await().atMost(CALL);
            all.addAll(page.getRejectsList());
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        return all;
    }

    private MongoCollection<Document> events() {
        return mongo.getDatabase("ingestion").getCollection("events");
    }

    @Test
    void importsACsvFileUploadedInChunksThroughItsColumnMapping() {
        String workspace = workspace();
        ImportJob created = create(workspace, crmSpec());
        byte[] file = CRM_CSV.getBytes(StandardCharsets.UTF_8);
        // Cut in the middle of a row and of a multi-byte character: the reader must not care.
        int cut = CRM_CSV.substring(0, CRM_CSV.indexOf('女')).getBytes(StandardCharsets.UTF_8).length + 1;
        append(workspace, created.getId(), 1, java.util.Arrays.copyOfRange(file, cut, file.length));
        append(workspace, created.getId(), 0, java.util.Arrays.copyOfRange(file, 0, cut));

        assertThat(created.getStatus()).isEqualTo("uploading");
        assertThat(complete(workspace, created.getId(), 2).getStatus()).isIn("queued", "running", "done");
        ImportJob done = awaitDone(workspace, created.getId());

        assertThat(done.getRowsRead()).isEqualTo(8);
        assertThat(done.getRowsAccepted()).isEqualTo(5);
        assertThat(done.getRowsRejected()).isEqualTo(3);
        assertThat(done.getBytes()).isEqualTo(file.length);
        List<ImportReject> rejects = rejects(workspace, created.getId(), 2);
        assertThat(rejects).extracting(ImportReject::getRow).containsExactly(3L, 4L, 6L);
        assertThat(rejects.get(0).getErrorsList()).extracting(FieldError::getField)
                .contains("identifiers.phone");
        assertThat(rejects.get(1).getErrorsList()).extracting(FieldError::getField).containsExactly("traits.gender");
        assertThat(rejects.get(2).getErrorsList()).extracting(FieldError::getField).contains("identifiers.email");
        assertThat(events().countDocuments(Filters.and(Filters.eq("workspace", workspace),
                Filters.eq("source", "crm-export")))).isEqualTo(5);
        assertThat(events().find(Filters.and(Filters.eq("workspace", workspace),
                Filters.eq("message_id", created.getId() + "-1"))).first().getDate("timestamp").toInstant())
                .isEqualTo(Instant.parse("2026-01-05T02:00:00Z"));
    }

    /** The CRM export as Excel saves it: the phone a number, the birthday a date cell, one cell an error. */
    private static byte[] crmWorkbook() {
        return crmWorkbook(new org.apache.poi.xssf.usermodel.XSSFWorkbook());
    }

    /** The CRM export's worksheet (and a summary after it) added to {@code workbook}, as xlsx or as xls. */
    private static byte[] crmWorkbook(org.apache.poi.ss.usermodel.Workbook workbook) {
        try (workbook; java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream()) {
            org.apache.poi.ss.usermodel.CellStyle date = workbook.createCellStyle();
            date.setDataFormat(workbook.createDataFormat().getFormat("yyyy/m/d"));
            org.apache.poi.ss.usermodel.Sheet sheet = workbook.createSheet("客户");
            Object[][] rows = {
                    {"customer", "mail", "mobile", "sex", "born", "signed_up"},
                    {"C-1", "ann@example.com", 13800138000d, "女", java.time.LocalDate.of(1990, 4, 1),
                            "2026-01-05 10:00:00+08:00"},
                    {},
                    {"C-2", "bob@example.com", null, "M", null, "2026-01-06T10:00:00Z"},
                    {"C-3", null, 12345d, "F", null, "2026-01-07T10:00:00Z"},
                    {"C-4", "dora@example.com", org.apache.poi.ss.usermodel.FormulaError.NA, "F", null,
                            "2026-01-08T10:00:00Z"}};
            for (int r = 0; r < rows.length; r++) {
                org.apache.poi.ss.usermodel.Row row = sheet.createRow(r);
                for (int c = 0; c < rows[r].length; c++) {
                    Object value = rows[r][c];
                    if (value instanceof String text) {
                        row.createCell(c).setCellValue(text);
                    } else if (value instanceof Double number) {
                        row.createCell(c).setCellValue(number);
                    } else if (value instanceof java.time.LocalDate day) {
                        row.createCell(c).setCellValue(day);
                        row.getCell(c).setCellStyle(date);
                    } else if (value instanceof org.apache.poi.ss.usermodel.FormulaError error) {
                        row.createCell(c).setCellErrorValue(error.getCode());
                    }
                }
            }
            workbook.createSheet("summary").createRow(0).createCell(0).setCellValue("not imported");
            workbook.write(out);
            return out.toByteArray();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void importsTheFirstWorksheetOfAnXlsxWorkbookLikeACsvFile() {
        String workspace = workspace();
        ImportJob created = create(workspace, crmSpec().toBuilder().setFormat("XLSX").setFileName("customers.xlsx")
                .build());
        assertThat(created.getSpec().getEncoding()).as("a workbook names its own").isEmpty();
        byte[] file = crmWorkbook();
        uploadInHalves(workspace, created.getId(), file);

        ImportJob done = awaitDone(workspace, created.getId());

        assertThat(done.getRowsRead()).isEqualTo(4);
        assertThat(done.getRowsAccepted()).isEqualTo(2);
        List<ImportReject> rejects = rejects(workspace, created.getId(), 10);
        assertThat(rejects).extracting(r -> r.getRow() + ":" + r.getErrors(0).getField() + ":" + r.getErrors(0).getCode())
                .containsExactly("3:identifiers.phone:invalid_format", "4:row:unreadable");
        assertThat(rejects.get(1).getErrors(0).getMessage()).startsWith("column 'mobile' (column C) holds an error");
        Document first = events().find(Filters.and(Filters.eq("workspace", workspace),
                Filters.eq("message_id", created.getId() + "-1"))).first();
        assertThat(first.getDate("timestamp").toInstant()).isEqualTo(Instant.parse("2026-01-05T02:00:00Z"));
        await().atMost(JOB).until(() -> events().find(Filters.and(Filters.eq("workspace", workspace),
                Filters.eq("message_id", created.getId() + "-1"))).first().getString("profile_id") != null);
        String profile = events().find(Filters.and(Filters.eq("workspace", workspace),
                Filters.eq("message_id", created.getId() + "-1"))).first().getString("profile_id");
        var event = ingestion.listProfileEvents(ListProfileEventsRequest.newBuilder().setWorkspace(workspace)
                .addProfileIds(profile).build()).await().atMost(CALL).getEvents(0).getEvent();
        assertThat(event.getIdentifiersList()).extracting(i -> i.getType() + "=" + i.getValue())
                .contains("phone=+8613800138000");
        assertThat(event.getTraits().getFieldsOrThrow("birthday").getStringValue()).isEqualTo("1990-04-01");
        assertThat(event.getTraits().getFieldsOrThrow("gender").getStringValue()).isEqualTo("female");

        // A file that is no workbook fails its job with the reason, and the worker goes on.
        ImportJob notAWorkbook = create(workspace, crmSpec().toBuilder().setFormat("xlsx").build());
        append(workspace, notAWorkbook.getId(), 0, CRM_CSV.getBytes(StandardCharsets.UTF_8));
        complete(workspace, notAWorkbook.getId(), 1);
        await().atMost(JOB).until(() -> job(workspace, notAWorkbook.getId()).getStatus().equals("failed"));
        assertThat(job(workspace, notAWorkbook.getId()).getError()).startsWith("the file is not an xlsx workbook");
    }

    /** The CRM workbook with a sheet of notes in front of the data, as exports often have. */
    private static byte[] crmWorkbookBehindNotes() {
        try (org.apache.poi.xssf.usermodel.XSSFWorkbook workbook = new org.apache.poi.xssf.usermodel.XSSFWorkbook(
                new java.io.ByteArrayInputStream(crmWorkbook()));
             java.io.ByteArrayOutputStream out = new java.io.ByteArrayOutputStream()) {
            workbook.createSheet("说明").createRow(0).createCell(0).setCellValue("exported from the CRM");
            workbook.setSheetOrder("说明", 0);
            workbook.write(out);
            return out.toByteArray();
        } catch (java.io.IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    @Test
    void importsTheWorksheetTheJobChoosesAndFailsOneTheWorkbookDoesNotHave() {
        String workspace = workspace();
        byte[] file = crmWorkbookBehindNotes();
        for (String sheet : List.of(" 客户 ", "2")) {
            ImportJob created = create(workspace, crmSpec().toBuilder().setFormat("xlsx").setSheet(sheet).build());
            assertThat(created.getSpec().getSheet()).isEqualTo(sheet.strip());
            append(workspace, created.getId(), 0, file);
            complete(workspace, created.getId(), 1);

            ImportJob done = awaitDone(workspace, created.getId());

            assertThat(done.getSpec().getSheet()).isEqualTo(sheet.strip());
            assertThat(done.getRowsRead()).as(sheet).isEqualTo(4);
            assertThat(done.getRowsAccepted()).isEqualTo(2);
        }

        ImportJob orders = create(workspace, crmSpec().toBuilder().setFormat("xlsx").setSheet("Orders").build());
        append(workspace, orders.getId(), 0, file);
        complete(workspace, orders.getId(), 1);
        await().atMost(JOB).until(() -> job(workspace, orders.getId()).getStatus().equals("failed"));
        assertThat(job(workspace, orders.getId()).getError())
                .isEqualTo("the workbook has no worksheet \"Orders\"; its worksheets: \"说明\", \"客户\","
                        + " \"summary\"");
    }

    /** The CRM export as a legacy Excel 97-2003 workbook, behind a sheet of notes, as older CRM and POS systems save. */
    private static byte[] legacyCrmWorkbookBehindNotes() {
        org.apache.poi.hssf.usermodel.HSSFWorkbook workbook = new org.apache.poi.hssf.usermodel.HSSFWorkbook();
        workbook.createSheet("说明").createRow(0).createCell(0).setCellValue("exported from the POS");
        return crmWorkbook(workbook);
    }

    @Test
    void importsTheChosenWorksheetOfALegacyXlsWorkbookAsItsXlsxTwin() {
        String workspace = workspace();
        ImportJob created = create(workspace, crmSpec().toBuilder().setFormat("XLS").setSheet("客户")
                .setFileName("customers.xls").build());
        assertThat(created.getSpec().getFormat()).isEqualTo("xls");
        assertThat(created.getSpec().getEncoding()).as("a workbook names its own").isEmpty();
        byte[] file = legacyCrmWorkbookBehindNotes();
        uploadInHalves(workspace, created.getId(), file);

        ImportJob done = awaitDone(workspace, created.getId());

        assertThat(done.getSpec().getSheet()).isEqualTo("客户");
        assertThat(done.getRowsRead()).isEqualTo(4);
        assertThat(done.getRowsAccepted()).isEqualTo(2);
        List<ImportReject> rejects = rejects(workspace, created.getId(), 10);
        assertThat(rejects).extracting(r -> r.getRow() + ":" + r.getErrors(0).getField() + ":" + r.getErrors(0).getCode())
                .containsExactly("3:identifiers.phone:invalid_format", "4:row:unreadable");
        assertThat(rejects.get(1).getErrors(0).getMessage()).startsWith("column 'mobile' (column C) holds an error");
        await().atMost(JOB).until(() -> events().find(Filters.and(Filters.eq("workspace", workspace),
                Filters.eq("message_id", created.getId() + "-1"))).first().getString("profile_id") != null);
        String profile = events().find(Filters.and(Filters.eq("workspace", workspace),
                Filters.eq("message_id", created.getId() + "-1"))).first().getString("profile_id");
        var event = ingestion.listProfileEvents(ListProfileEventsRequest.newBuilder().setWorkspace(workspace)
                .addProfileIds(profile).build()).await().atMost(CALL).getEvents(0).getEvent();
        assertThat(event.getIdentifiersList()).extracting(i -> i.getType() + "=" + i.getValue())
                .contains("phone=+8613800138000");
        assertThat(event.getTraits().getFieldsOrThrow("birthday").getStringValue()).isEqualTo("1990-04-01");

        // An xlsx workbook sent as xls fails its job, naming the format to use.
        ImportJob xlsx = create(workspace, crmSpec().toBuilder().setFormat("xls").build());
        append(workspace, xlsx.getId(), 0, crmWorkbook());
        complete(workspace, xlsx.getId(), 1);
        await().atMost(JOB).until(() -> job(workspace, xlsx.getId()).getStatus().equals("failed"));
        assertThat(job(workspace, xlsx.getId()).getError()).endsWith("import it with format xlsx");

        StatusRuntimeException encoding = catchThrowableOfType(StatusRuntimeException.class, () -> create(workspace,
                crmSpec().toBuilder().setFormat("xls").setEncoding("GB18030").build()));
        assertThat(encoding.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(encoding.getStatus().getDescription()).startsWith("spec.encoding: spec.encoding not_applicable: ");
    }

    @Test
    void importsAFileSavedInGb18030WhenTheJobNamesItAndRejectsItsRowsWhenItDoesNot() {
        String workspace = workspace();
        // What Excel on Chinese Windows saves as "CSV": GBK/GB18030 bytes, no byte order mark.
        byte[] file = """
                member,mail,name,sex
                M-1,zhang.wei@example.com,张伟,男
                M-2,ascii.only@example.com,Li,F
                """.getBytes(java.nio.charset.Charset.forName("GB18030"));
        ImportSpec spec = ImportSpec.newBuilder().setFormat("csv").setSource("crm-gbk").setType("identify").setChannel("crm")
                .putMapping("member", "identifiers.member_card").putMapping("mail", "identifiers.email")
                .putMapping("name", "traits.name").putMapping("sex", "traits.gender").build();

        ImportJob asUtf8 = create(workspace, spec);
        assertThat(asUtf8.getSpec().getEncoding()).isEqualTo("UTF-8");
        append(workspace, asUtf8.getId(), 0, file);
        complete(workspace, asUtf8.getId(), 1);
        ImportJob unreadable = awaitDone(workspace, asUtf8.getId());
        // The row with Chinese text is refused, with the way out; the other row has nothing to misread.
        assertThat(unreadable.getRowsAccepted()).isEqualTo(1);
        FieldError reason = rejects(workspace, asUtf8.getId(), 10).get(0).getErrors(0);
        assertThat(reason.getCode()).isEqualTo("unreadable");
        assertThat(reason.getMessage()).contains("column 'name'", "not UTF-8 text", "\"encoding\"");
        assertThat(events().countDocuments(Filters.and(Filters.eq("workspace", workspace),
                Filters.eq("message_id", asUtf8.getId() + "-1")))).as("no garbled name stored").isZero();

        ImportJob asGb = create(workspace, spec.toBuilder().setEncoding(" gbk ").build());
        assertThat(asGb.getSpec().getEncoding()).isEqualTo("GBK");
        append(workspace, asGb.getId(), 0, file);
        complete(workspace, asGb.getId(), 1);
        assertThat(awaitDone(workspace, asGb.getId()).getRowsAccepted()).isEqualTo(2);
        await().atMost(JOB).until(() -> events().find(Filters.and(Filters.eq("workspace", workspace),
                Filters.eq("message_id", asGb.getId() + "-1"))).first().getString("profile_id") != null);
        String profile = events().find(Filters.and(Filters.eq("workspace", workspace),
                Filters.eq("message_id", asGb.getId() + "-1"))).first().getString("profile_id");
        ListProfileEventsResponse timeline = ingestion.listProfileEvents(ListProfileEventsRequest.newBuilder()
                .setWorkspace(workspace).addProfileIds(profile).build()).await().atMost(CALL);
        assertThat(timeline.getEvents(0).getEvent().getTraits().getFieldsOrThrow("name").getStringValue())
                .isEqualTo("张伟");
    }

    @Test
    void readsTimesWithoutAnOffsetInTheJobsTimeZoneAndRejectsThemWithoutOne() {
        String workspace = workspace();
        // A POS export: local times, as the till wrote them, with a few rows that carry their own instant.
        byte[] file = """
                member,visited
                M-1,2026-03-01 10:30:00
                M-2,2026/3/1 10:30
                M-3,2026-03-01
                M-4,2026-03-01T10:30:00Z
                M-5,1772335800000
                M-6,yesterday
                """.getBytes(StandardCharsets.UTF_8);
        ImportSpec spec = ImportSpec.newBuilder().setFormat("csv").setSource("pos-visits").setType("track")
                .setEvent("Store Visit").setChannel("pos")
                .putMapping("member", "identifiers.member_card").putMapping("visited", "timestamp").build();

        ImportJob inShanghai = create(workspace, spec.toBuilder().setTimeZone(" asia/shanghai ").build());
        assertThat(inShanghai.getSpec().getTimeZone()).isEqualTo("Asia/Shanghai");
        append(workspace, inShanghai.getId(), 0, file);
        complete(workspace, inShanghai.getId(), 1);
        ImportJob zoned = awaitDone(workspace, inShanghai.getId());

        assertThat(zoned.getRowsAccepted()).isEqualTo(5);
        assertThat(rejects(workspace, inShanghai.getId(), 10))
                .extracting(r -> r.getRow() + ":" + r.getErrors(0).getField() + ":" + r.getErrors(0).getCode())
                .containsExactly("6:timestamp:invalid_format");
        List<Instant> times = new ArrayList<>();
        for (int row = 1; row <= 5; row++) {
            times.add(events().find(Filters.and(Filters.eq("workspace", workspace),
                    Filters.eq("message_id", inShanghai.getId() + "-" + row))).first().getDate("timestamp").toInstant());
        }
        assertThat(times).containsExactly(Instant.parse("2026-03-01T02:30:00Z"), Instant.parse("2026-03-01T02:30:00Z"),
                Instant.parse("2026-02-28T16:00:00Z"), Instant.parse("2026-03-01T10:30:00Z"),
                Instant.parse("2026-03-01T03:30:00Z"));

        ImportJob withoutZone = create(workspace, spec);
        assertThat(withoutZone.getSpec().getTimeZone()).isEmpty();
        append(workspace, withoutZone.getId(), 0, file);
        complete(workspace, withoutZone.getId(), 1);
        assertThat(awaitDone(workspace, withoutZone.getId()).getRowsAccepted()).as("the rows with an instant")
                .isEqualTo(2);
        assertThat(rejects(workspace, withoutZone.getId(), 10))
                .extracting(r -> r.getRow() + ":" + r.getErrors(0).getField() + ":" + r.getErrors(0).getCode())
                .containsExactly("1:timestamp:invalid_format", "2:timestamp:invalid_format",
                        "3:timestamp:invalid_format", "6:timestamp:invalid_format");
    }

    @Test
    void importsNdjsonWhoseKeysNameTheFields() {
        String workspace = workspace();
        String file = """
                {"message_id": "o-1", "type": "track", "event": "Order Completed", "identifiers.member_card": "M-1", "properties.orderId": "o-1", "properties.revenue": 88.5, "properties.products": [{"sku": "TEA-01", "price": "88.5", "quantity": 1}]}

                {"message_id": "o-2", "type": "track", "event": "Order Completed", "identifiers.member_card": "M-2"}
                not json
                """;
        ImportJob created = create(workspace, ImportSpec.newBuilder().setFormat("NDJSON").setSource("pos-export")
                .setChannel("pos").build());
        append(workspace, created.getId(), 0, file.getBytes(StandardCharsets.UTF_8));
        complete(workspace, created.getId(), 1);

        ImportJob done = awaitDone(workspace, created.getId());

        assertThat(done.getRowsRead()).isEqualTo(3);
        assertThat(done.getRowsAccepted()).isEqualTo(1);
        assertThat(rejects(workspace, created.getId(), 10)).extracting(r -> r.getRow() + ":" + r.getErrors(0).getCode())
                .containsExactly("2:required", "3:unreadable");
    }

    @Test
    void resumesAfterTheCheckpointOfAWorkerThatDied() {
        String workspace = workspace();
        ImportJob created = create(workspace, crmSpec());
        append(workspace, created.getId(), 0, CRM_CSV.getBytes(StandardCharsets.UTF_8));
        // As if a worker had claimed the job, stored the first 5 rows (4 accepted, 1 rejected) and died.
        mongo.getDatabase("ingestion").getCollection("imports").updateOne(Filters.eq("_id", created.getId()),
                Updates.combine(Updates.set("status", "running"), Updates.set("chunks", 1),
                        Updates.set("rows_read", 5L), Updates.set("rows_accepted", 4L), Updates.set("rows_rejected", 1L),
                        Updates.set("lease_owner", "crashed-replica"),
                        Updates.set("lease_until", Date.from(Instant.now().plusSeconds(1)))));

        ImportJob done = awaitDone(workspace, created.getId());

        assertThat(done.getRowsRead()).isEqualTo(8);
        assertThat(done.getRowsAccepted()).isEqualTo(4 + 2);
        assertThat(done.getRowsRejected()).isEqualTo(1 + 1);
        assertThat(events().find(Filters.eq("workspace", workspace)).map(d -> d.getString("message_id"))
                .into(new ArrayList<>())).containsExactlyInAnyOrder(created.getId() + "-7", created.getId() + "-8");
        assertThat(mongo.getDatabase("ingestion").getCollection("import_chunks")
                .countDocuments(Filters.eq("job", created.getId()))).as("the file is dropped once done").isZero();
    }

    @Test
    void aBrokenRowCostsThatRowAnEmptyFileIsDoneAndAnUnreadableHeaderFailsTheJob() {
        String workspace = workspace();
        ImportJob broken = create(workspace, crmSpec());
        append(workspace, broken.getId(), 0, """
                customer,mail
                C-1,"ann"@example.com
                C-2,bob@example.com
                ,,
                """.getBytes(StandardCharsets.UTF_8));
        complete(workspace, broken.getId(), 1);
        ImportJob done = awaitDone(workspace, broken.getId());
        assertThat(done.getRowsRead()).isEqualTo(2);
        assertThat(done.getRowsAccepted()).isEqualTo(1);
        List<ImportReject> brokenRows = rejects(workspace, broken.getId(), 10);
        assertThat(brokenRows).extracting(r -> r.getRow() + ":" + r.getErrors(0).getCode())
                .containsExactly("1:unreadable");
        assertThat(brokenRows.get(0).getErrors(0).getMessage()).as("names the column, never the value")
                .contains("column 'mail'").doesNotContain("ann", "example");

        ImportJob empty = create(workspace, crmSpec());
        append(workspace, empty.getId(), 0, new byte[0]);
        complete(workspace, empty.getId(), 1);
        assertThat(awaitDone(workspace, empty.getId()).getRowsRead()).isZero();

        ImportJob badHeader = create(workspace, crmSpec());
        append(workspace, badHeader.getId(), 0, "\"customer\"x,mail\nC-1,ann@example.com\n".getBytes(StandardCharsets.UTF_8));
        complete(workspace, badHeader.getId(), 1);
        await().atMost(JOB).until(() -> job(workspace, badHeader.getId()).getStatus().equals("failed"));
        assertThat(job(workspace, badHeader.getId()).getError()).startsWith("the header row is not CSV");
    }

    /**
     * Versions before 2026-12-07 said why a row or a header could not be read in the parser's words, which quote the
     * text it stumbled on: the pass replaces those, and leaves the reasons of today, which never quote, as they are.
     */
    @Test
    void reasonsOfEarlierVersionsThatQuoteARowsTextAreScrubbedAndTodaysAreKept() {
        String workspace = workspace();
        ImportJob csv = create(workspace, crmSpec());
        append(workspace, csv.getId(), 0, """
                customer,mail,mobile,sex,born,signed_up
                C-1,"ann"@example.com,,,,2026-01-05T10:00:00Z
                C-2,bob@example.com,,robot,,2026-01-06T10:00:00Z
                """.getBytes(StandardCharsets.UTF_8));
        complete(workspace, csv.getId(), 1);
        ImportJob json = create(workspace, ImportSpec.newBuilder().setFormat("ndjson").setSource("crm-export")
                .setType("identify").setChannel("crm").build());
        append(workspace, json.getId(), 0, ("{\"identifiers.email\": \"lin@example.com\", \"traits.name\": LinWang}\n"
                + "{\"identifiers.email\": \"mei@example.com\"}\n").getBytes(StandardCharsets.UTF_8));
        complete(workspace, json.getId(), 1);
        ImportJob header = create(workspace, crmSpec());
        ImportJob earlierHeader = create(workspace, crmSpec());
        for (ImportJob badHeader : List.of(header, earlierHeader)) {
            append(workspace, badHeader.getId(), 0, "\"customer\"x,mail\nC-1,ann@example.com\n"
                    .getBytes(StandardCharsets.UTF_8));
            complete(workspace, badHeader.getId(), 1);
        }
        awaitDone(workspace, csv.getId());
        awaitDone(workspace, json.getId());
        for (ImportJob badHeader : List.of(header, earlierHeader)) {
            await().atMost(JOB).until(() -> job(workspace, badHeader.getId()).getStatus().equals("failed"));
        }
        List<ImportReject> todays = new ArrayList<>(rejects(workspace, csv.getId(), 10));
        todays.addAll(rejects(workspace, json.getId(), 10));
        assertThat(todays).extracting(r -> r.getErrors(0).getCode())
                .containsExactly("unreadable", "invalid_value", "unreadable");
        String todaysHeaderError = job(workspace, header.getId()).getError();
        // As versions before 2026-12-07 recorded them (the parser's message, first line).
        MongoCollection<Document> rejects = mongo.getDatabase("ingestion").getCollection("import_rejects");
        String[] earlier = {
                "not JSON: Unrecognized token 'LinWang': was expecting (JSON String, Number, Array, Object or token"
                        + " 'null', 'true' or 'false')",
                "not a CSV row: Unexpected character ('l' (code 108)): Expected column separator character (',' (code"
                        + " 44)) or end-of-line; \"Lin\"lin@example.com",
                "not a CSV row (reading stopped here): Unexpected character ('L' (code 76)): LinWang"};
        for (int i = 0; i < earlier.length; i++) {
            rejects.insertOne(new Document("_id", String.format("%s:%012d", csv.getId(), 90 + i))
                    .append("workspace", workspace).append("job", csv.getId()).append("row", 90L + i)
                    .append("errors", List.of(new Document("field", "row").append("code", "unreadable")
                            .append("message", earlier[i]))));
        }
        mongo.getDatabase("ingestion").getCollection("imports").updateOne(Filters.eq("_id", earlierHeader.getId()),
                Updates.set("error", "the header row is not CSV: Unexpected character ('x' (code 120)): LinWang"));

        assertThat(reasonScrub.scrub().await().atMost(CALL)).isEqualTo(4);

        List<ImportReject> after = rejects(workspace, csv.getId(), 10);
        assertThat(after).hasSize(5);
        assertThat(after.subList(0, 2)).isEqualTo(todays.subList(0, 2));
        assertThat(rejects(workspace, json.getId(), 10)).isEqualTo(todays.subList(2, 3));
        assertThat(after.subList(2, 5)).extracting(r -> r.getErrors(0).getMessage())
                .allSatisfy(reason -> assertThat(reason).doesNotContain("LinWang", "lin@", "Lin"))
                .satisfiesExactly(
                        reason -> assertThat(reason).startsWith("not JSON: the line cannot be read as one JSON object"),
                        reason -> assertThat(reason).startsWith("not a CSV row: cannot be read as CSV"),
                        reason -> assertThat(reason).startsWith("not a CSV row: cannot be read as CSV"));
        assertThat(job(workspace, earlierHeader.getId()).getError()).startsWith("the header row is not CSV: ")
                .doesNotContain("LinWang");
        assertThat(job(workspace, header.getId()).getError()).isEqualTo(todaysHeaderError)
                .startsWith("the header row is not CSV: the name of column 1 ");
        assertThat(reasonScrub.scrub().await().atMost(CALL)).as("again").isZero();
    }

    @Test
    void aJobThatFailsTwentyTimesInARowIsGivenUpAsFailed() {
        String workspace = workspace();
        ImportJob created = create(workspace, crmSpec());
        append(workspace, created.getId(), 0, CRM_CSV.getBytes(StandardCharsets.UTF_8));
        // A chunk that no longer opens (as if sealed with a key since replaced), and 19 failed attempts before.
        mongo.getDatabase("ingestion").getCollection("import_chunks").updateOne(Filters.eq("job", created.getId()),
                Updates.set("data", new org.bson.types.Binary(new byte[]{1, 2, 3})));
        mongo.getDatabase("ingestion").getCollection("imports").updateOne(Filters.eq("_id", created.getId()),
                Updates.set("failures", 19));
        complete(workspace, created.getId(), 1);

        await().atMost(JOB).until(() -> job(workspace, created.getId()).getStatus().equals("failed"));
        assertThat(job(workspace, created.getId()).getError()).startsWith("stopped after 20 attempts in a row failed");
    }

    @Test
    void rowsReadEndARunOfFailures() {
        String workspace = workspace();
        ImportJob created = create(workspace, crmSpec());
        append(workspace, created.getId(), 0, CRM_CSV.getBytes(StandardCharsets.UTF_8));
        append(workspace, created.getId(), 1, "C-9,ivy@example.com\n".getBytes(StandardCharsets.UTF_8));
        // The second chunk no longer opens: the job reads a batch of the first, then fails, 19 failures behind it.
        mongo.getDatabase("ingestion").getCollection("import_chunks").updateOne(
                Filters.and(Filters.eq("job", created.getId()), Filters.eq("seq", 1)),
                Updates.set("data", new org.bson.types.Binary(new byte[]{1, 2, 3})));
        mongo.getDatabase("ingestion").getCollection("imports").updateOne(Filters.eq("_id", created.getId()),
                Updates.set("failures", 19));
        complete(workspace, created.getId(), 2);

        // Released for a later try as its first failure since rows were read, not failed as its twentieth (the
        // tries after it fail without reading a row, so it fails for good 19 tries later).
        // Waits for an outcome: released after reading the batch, or failed (the 19 set above already satisfy
        // "failures >= 1" before the worker has even claimed the job).
        await().atMost(JOB).until(() -> {
            Document stored = mongo.getDatabase("ingestion").getCollection("imports")
                    .find(Filters.eq("_id", created.getId())).first();
            return stored.getString("status").equals("failed") || stored.get("rows_read", Number.class).longValue() > 0
                    && stored.get("failures", Number.class).intValue() >= 1 && stored.get("lease_owner") == null;
        });
        assertThat(job(workspace, created.getId()).getStatus()).isNotEqualTo("failed");
        assertThat(job(workspace, created.getId()).getRowsRead()).isEqualTo(7);
    }

    @Test
    void rowsOfAPersonErasedAfterTheUploadAreSkippedAndNotKept() {
        String workspace = workspace();
        IngestEventsResponse lin = ingestion.ingestEvents(IngestEventsRequest.newBuilder().setWorkspace(workspace)
                .setWaitUntilApplied(true).setWaitTimeout(com.google.protobuf.Duration.newBuilder().setSeconds(25))
                .addEvents(TestEvents.track("api-1", "user_id=lin-1", "email=lin@example.com"))
                .build()).await().atMost(CALL);
        assertThat(lin.getApplied()).isTrue();
        String file = """
                customer,mail,mobile,sex,born,signed_up
                C-1,bob@example.com,,M,,2026-01-06T10:00:00Z
                C-2, LIN@example.com ,13800138000,女,1990/4/1,2026-01-07T10:00:00Z
                C-3,,12345,F,,2026-01-08T10:00:00Z
                """;
        // One file is still uploading when Lin is erased, another waits in the queue behind it.
        ImportJob uploading = create(workspace, crmSpec());
        append(workspace, uploading.getId(), 0, file.getBytes(StandardCharsets.UTF_8));
        ImportJob queued = create(workspace, crmSpec());
        append(workspace, queued.getId(), 0, file.getBytes(StandardCharsets.UTF_8));
        mongo.getDatabase("ingestion").getCollection("imports").updateOne(Filters.eq("_id", queued.getId()),
                Updates.combine(Updates.set("status", "queued"), Updates.set("chunks", 1),
                        Updates.set("lease_until", Date.from(Instant.now().plusSeconds(3600)))));

        ingestion.eraseProfileEvents(EraseProfileEventsRequest.newBuilder().setWorkspace(workspace)
                .addProfileIds(lin.getAccepted(0).getProfileId()).build()).await().atMost(CALL);
        complete(workspace, uploading.getId(), 1);
        mongo.getDatabase("ingestion").getCollection("imports").updateOne(Filters.eq("_id", queued.getId()),
                Updates.set("lease_until", new Date(0)));

        for (ImportJob job : List.of(uploading, queued)) {
            ImportJob done = awaitDone(workspace, job.getId());
            assertThat(done.getRowsRead()).isEqualTo(3);
            assertThat(done.getRowsAccepted()).as("Bob's row").isEqualTo(1);
            List<ImportReject> rejects = rejects(workspace, job.getId(), 10);
            assertThat(rejects).extracting(r -> r.getRow() + ":" + r.getErrors(0).getField() + ":"
                    + r.getErrors(0).getCode()).containsExactly("2:identifiers:suppressed", "3:identifiers.phone:invalid_format");
            assertThat(rejects.get(0).getErrorsCount()).isEqualTo(1);
            assertThat(rejects.get(0).getErrors(0).getMessage()).doesNotContainIgnoringCase("lin")
                    .doesNotContain("13800138000");
            assertThat(events().countDocuments(Filters.and(Filters.eq("workspace", workspace),
                    Filters.eq("message_id", job.getId() + "-2")))).as("Lin's row is not imported").isZero();
            assertThat(mongo.getDatabase("ingestion").getCollection("imports").find(Filters.eq("_id", job.getId()))
                    .first()).as("the erased identifiers leave with the file").doesNotContainKey("suppressed_hashes");
        }
        assertThat(ingestion.listQuarantinedEvents(ListQuarantinedEventsRequest.newBuilder().setWorkspace(workspace)
                        .build()).await().atMost(CALL).getEventsList())
                .extracting(q -> q.getEvent().getMessageId()).as("nor kept as a rejected event")
                .containsExactlyInAnyOrder(uploading.getId() + "-3", queued.getId() + "-3");

        // A file uploaded after the erasure is new data, collected like an event sent after it.
        ImportJob later = create(workspace, crmSpec());
        append(workspace, later.getId(), 0, file.getBytes(StandardCharsets.UTF_8));
        complete(workspace, later.getId(), 1);
        assertThat(awaitDone(workspace, later.getId()).getRowsAccepted()).isEqualTo(2);
    }

    @Test
    void anUploadLeftWithoutAChunkForTheExpiryFailsAndItsChunksAreDropped() {
        String workspace = workspace();
        MongoCollection<Document> imports = mongo.getDatabase("ingestion").getCollection("imports");
        Date longAgo = Date.from(Instant.now().minus(Duration.ofHours(2)));
        ImportJob active = create(workspace, crmSpec());
        imports.updateOne(Filters.eq("_id", active.getId()), Updates.set("updated_at", longAgo));
        // A chunk arriving now keeps the upload alive, however old it is.
        append(workspace, active.getId(), 0, CRM_CSV.getBytes(StandardCharsets.UTF_8));
        ImportJob abandoned = create(workspace, crmSpec());
        append(workspace, abandoned.getId(), 0, CRM_CSV.getBytes(StandardCharsets.UTF_8));
        imports.updateOne(Filters.eq("_id", abandoned.getId()), Updates.set("updated_at", longAgo));

        await().atMost(JOB).until(() -> job(workspace, abandoned.getId()).getStatus().equals("failed"));

        assertThat(job(workspace, abandoned.getId()).getError()).startsWith("the upload was abandoned");
        assertThat(mongo.getDatabase("ingestion").getCollection("import_chunks")
                .countDocuments(Filters.eq("job", abandoned.getId()))).isZero();
        assertThat(status(() -> {
            append(workspace, abandoned.getId(), 1, new byte[]{'x'});
            return null;
        })).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(job(workspace, active.getId()).getStatus()).isEqualTo("uploading");
        assertThat(complete(workspace, active.getId(), 1).getStatus()).isIn("queued", "running", "done");
        assertThat(awaitDone(workspace, active.getId()).getRowsRead()).isEqualTo(8);
    }

    @Test
    void refusesBadSpecsIncompleteUploadsAndUnknownJobs() {
        String workspace = workspace();
        ImportJob created = create(workspace, crmSpec());
        append(workspace, created.getId(), 0, "customer\n".getBytes(StandardCharsets.UTF_8));

        assertThat(status(() -> complete(workspace, created.getId(), 2))).isEqualTo(Status.Code.FAILED_PRECONDITION);
        assertThat(status(() -> create(workspace, ImportSpec.newBuilder().setFormat("xlsb").build())))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        StatusRuntimeException encoding = catchThrowableOfType(StatusRuntimeException.class, () -> create(workspace,
                crmSpec().toBuilder().setFormat("xlsx").setEncoding("GB18030").build()));
        assertThat(encoding.getStatus().getCode()).as("a workbook names its own").isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(encoding.getStatus().getDescription()).contains("spec.encoding not_applicable");
        StatusRuntimeException sheet = catchThrowableOfType(StatusRuntimeException.class, () -> create(workspace,
                crmSpec().toBuilder().setSheet("Members").build()));
        assertThat(sheet.getStatus().getCode()).as("a csv file has no worksheets")
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(sheet.getStatus().getDescription()).startsWith("spec.sheet: spec.sheet not_applicable: ");
        StatusRuntimeException longName = catchThrowableOfType(StatusRuntimeException.class, () -> create(workspace,
                crmSpec().toBuilder().setFormat("xlsx").setSheet("Members of the loyalty programme 2026").build()));
        assertThat(longName.getStatus().getDescription()).contains("spec.sheet too_long");
        assertThat(status(() -> create(workspace, crmSpec().toBuilder().setFormat("xlsx").setSheet("0").build())))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status(() -> create(workspace, crmSpec().toBuilder().putMapping("x", "address").build())))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status(() -> create(workspace, crmSpec().toBuilder().setEncoding("klingon").build())))
                .isEqualTo(Status.Code.INVALID_ARGUMENT);
        StatusRuntimeException zone = catchThrowableOfType(StatusRuntimeException.class, () -> create(workspace,
                crmSpec().toBuilder().setTimeZone("Asia/Shangai").build()));
        assertThat(zone.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(zone.getStatus().getDescription()).contains("spec.timeZone unknown_time_zone");
        assertThat(mongo.getDatabase("ingestion").getCollection("imports")
                .countDocuments(Filters.eq("workspace", workspace))).as("only the job created first").isEqualTo(1);
        assertThat(status(() -> job(workspace, "imp-nope"))).isEqualTo(Status.Code.NOT_FOUND);
        assertThat(status(() -> job(workspace(), created.getId()))).as("another workspace's job")
                .isEqualTo(Status.Code.NOT_FOUND);
    }

    private static Status.Code status(Supplier<Object> call) {
        return catchThrowableOfType(StatusRuntimeException.class, call::get).getStatus().getCode();
    }
}
