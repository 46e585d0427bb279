package io.portrait.gateway.rest;

import com.google.protobuf.Timestamp;
import io.grpc.Status;
import io.portrait.gateway.client.IngestionClient;
import io.portrait.proto.ingestion.v1.AppendImportChunkRequest;
import io.portrait.proto.ingestion.v1.AppendImportChunkResponse;
import io.portrait.proto.ingestion.v1.CompleteImportUploadResponse;
import io.portrait.proto.ingestion.v1.CreateImportRequest;
import io.portrait.proto.ingestion.v1.CreateImportResponse;
import io.portrait.proto.ingestion.v1.FieldError;
import io.portrait.proto.ingestion.v1.ImportJob;
import io.portrait.proto.ingestion.v1.ListImportsRequest;
import io.portrait.proto.ingestion.v1.ListImportsResponse;
import io.portrait.proto.ingestion.v1.ImportReject;
import io.portrait.proto.ingestion.v1.ListImportRejectsRequest;
import io.portrait.proto.ingestion.v1.ListImportRejectsResponse;
import io.quarkus.test.InjectMock;
import io.quarkus.test.junit.QuarkusTest;
import io.quarkus.test.security.SecurityAttribute;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.common.ResourceArg;
import io.portrait.common.testing.PostgresTestResource;
import io.quarkus.test.security.TestSecurity;
import io.restassured.http.ContentType;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;
import org.mockito.ArgumentCaptor;

import java.nio.charset.StandardCharsets;

import static io.restassured.RestAssured.given;
import static org.assertj.core.api.Assertions.assertThat;
import static org.hamcrest.Matchers.equalTo;
import static org.hamcrest.Matchers.endsWith;
import static org.hamcrest.Matchers.hasKey;
import static org.hamcrest.Matchers.not;
import static org.mockito.ArgumentMatchers.any;
import static org.mockito.Mockito.never;
import static org.mockito.Mockito.times;
import static org.mockito.Mockito.verify;
import static org.mockito.Mockito.when;

@QuarkusTest
@WithTestResource(value = PostgresTestResource.class, initArgs = @ResourceArg(name = "database", value = "gateway"))
@TestSecurity(user = "data-team", roles = {"events:write", "profiles:read"},
        attributes = @SecurityAttribute(key = "portrait.workspace", value = "default"))
class ImportResourceTest {

    @InjectMock
    IngestionClient ingestion;

    private static ImportJob job(String status) {
        return ImportJob.newBuilder().setId("imp-1").setStatus(status)
                .setSpec(io.portrait.proto.ingestion.v1.ImportSpec.newBuilder().setFormat("csv").setEncoding("GBK")
                        .setTimeZone("Asia/Shanghai"))
                .setRowsRead(8).setRowsAccepted(5)
                .setRowsRejected(3).setCreatedAt(Timestamp.newBuilder().setSeconds(1_772_359_200))
                .setUpdatedAt(Timestamp.newBuilder().setSeconds(1_772_359_260)).build();
    }

    @Test
    void createsAJobUploadsChunksAndCompletesIt() {
        ArgumentCaptor<CreateImportRequest> created = ArgumentCaptor.forClass(CreateImportRequest.class);
        ArgumentCaptor<AppendImportChunkRequest> chunk = ArgumentCaptor.forClass(AppendImportChunkRequest.class);
        when(ingestion.createImport(created.capture())).thenReturn(Uni.createFrom().item(
                CreateImportResponse.newBuilder().setJob(job("uploading")).build()));
        when(ingestion.appendImportChunk(chunk.capture())).thenReturn(Uni.createFrom().item(
                AppendImportChunkResponse.getDefaultInstance()));
        when(ingestion.completeImportUpload(any())).thenReturn(Uni.createFrom().item(
                CompleteImportUploadResponse.newBuilder().setJob(job("queued")).build()));

        given().contentType(ContentType.JSON).body("""
                        {"format": "csv", "source": "crm", "type": "identify", "channel": "crm", "encoding": "gbk",
                         "timeZone": "Asia/Shanghai", "mapping": {"mail": "identifiers.email", "sex": "traits.gender"}}""")
                .when().post("/v1/imports")
                .then().statusCode(201)
                .header("Location", endsWith("/v1/imports/imp-1"))
                .body("status", equalTo("uploading"))
                .body("encoding", equalTo("GBK"))
                .body("timeZone", equalTo("Asia/Shanghai"));
        given().contentType("text/csv").body("mail,sex\nann@example.com,女\n".getBytes(StandardCharsets.UTF_8))
                .when().put("/v1/imports/imp-1/chunks/0")
                .then().statusCode(204);
        given().contentType(ContentType.JSON).body("{\"chunks\": 1}")
                .when().post("/v1/imports/imp-1/complete")
                .then().statusCode(202).body("status", equalTo("queued"));

        assertThat(created.getValue().getSpec().getMappingMap()).containsEntry("sex", "traits.gender");
        assertThat(created.getValue().getSpec().getFormat()).isEqualTo("csv");
        assertThat(created.getValue().getSpec().getEncoding()).isEqualTo("gbk");
        assertThat(created.getValue().getSpec().getTimeZone()).isEqualTo("Asia/Shanghai");
        assertThat(chunk.getValue().getSeq()).isZero();
        assertThat(chunk.getValue().getData().toStringUtf8()).isEqualTo("mail,sex\nann@example.com,女\n");
    }

    @Test
    void aWorkbookJobNamesItsWorksheetAndOneForACsvFileIsABadRequest() {
        ArgumentCaptor<CreateImportRequest> created = ArgumentCaptor.forClass(CreateImportRequest.class);
        when(ingestion.createImport(created.capture())).thenReturn(Uni.createFrom().item(CreateImportResponse
                .newBuilder().setJob(job("uploading").toBuilder().setSpec(io.portrait.proto.ingestion.v1.ImportSpec
                        .newBuilder().setFormat("xlsx").setSheet("会员"))).build()));

        given().contentType(ContentType.JSON).body("{\"format\": \"xlsx\", \"sheet\": \"会员\"}")
                .when().post("/v1/imports")
                .then().statusCode(201)
                .body("format", equalTo("xlsx"))
                .body("sheet", equalTo("会员"));
        assertThat(created.getValue().getSpec().getSheet()).isEqualTo("会员");

        String refusal = "spec.sheet: spec.sheet not_applicable: only a workbook has worksheets; leave sheet out"
                + " (it is for xlsx and xls files)";
        when(ingestion.createImport(any())).thenReturn(Uni.createFrom().failure(Status.INVALID_ARGUMENT
                .withDescription(refusal).asRuntimeException()));
        given().contentType(ContentType.JSON).body("{\"format\": \"csv\", \"sheet\": \"会员\"}")
                .when().post("/v1/imports")
                .then().statusCode(400).contentType("application/problem+json")
                .body("detail", equalTo(refusal));
        ArgumentCaptor<CreateImportRequest> sent = ArgumentCaptor.forClass(CreateImportRequest.class);
        verify(ingestion, times(2)).createImport(sent.capture());
        assertThat(sent.getAllValues()).extracting(request -> request.getSpec().getFormat() + " " + request.getSpec()
                .getSheet()).containsExactly("xlsx 会员", "csv 会员");
    }

    @Test
    void aJobWithoutAChosenWorksheetShowsNone() {
        when(ingestion.getImport(any())).thenReturn(Uni.createFrom().item(
                io.portrait.proto.ingestion.v1.GetImportResponse.newBuilder().setJob(job("done")).build()));

        given().when().get("/v1/imports/imp-1")
                .then().statusCode(200)
                .body("format", equalTo("csv"))
                .body("$", not(hasKey("sheet")));
    }

    @Test
    void reportsProgressAndTheRejectsAsCsv() {
        ArgumentCaptor<ListImportRejectsRequest> pages = ArgumentCaptor.forClass(ListImportRejectsRequest.class);
        when(ingestion.getImport(any())).thenReturn(Uni.createFrom().item(
                io.portrait.proto.ingestion.v1.GetImportResponse.newBuilder().setJob(job("running")).build()));
        when(ingestion.listImportRejects(pages.capture()))
                .thenReturn(Uni.createFrom().item(ListImportRejectsResponse.newBuilder()
                        .addRejects(ImportReject.newBuilder().setRow(3).addErrors(FieldError.newBuilder()
                                .setField("identifiers.phone").setCode("invalid_format").setMessage("not a valid phone number")))
                        .setNextPageToken("p2").build()))
                .thenReturn(Uni.createFrom().item(ListImportRejectsResponse.newBuilder()
                        .addRejects(ImportReject.newBuilder().setRow(6).addErrors(FieldError.newBuilder()
                                .setField("row").setCode("unreadable").setMessage("not JSON: a, \"b\"")))
                        .build()));

        given().when().get("/v1/imports/imp-1")
                .then().statusCode(200)
                .body("rowsRead", equalTo(8)).body("rowsAccepted", equalTo(5)).body("rowsRejected", equalTo(3));
        String csv = given().when().get("/v1/imports/imp-1/rejects")
                .then().statusCode(200).contentType("text/csv")
                .header("Content-Disposition", equalTo("attachment; filename=\"imp-1-rejects.csv\""))
                .extract().asString();

        assertThat(csv).isEqualTo("row,field,code,message\n"
                + "3,identifiers.phone,invalid_format,not a valid phone number\n"
                + "6,row,unreadable,\"not JSON: a, \"\"b\"\"\"\n");
        assertThat(pages.getAllValues()).extracting(ListImportRejectsRequest::getPageToken).containsExactly("", "p2");
    }

    @Test
    void aChunkMayBeLargerThanOtherRequestsUpToItsOwnLimit() {
        when(ingestion.appendImportChunk(any())).thenReturn(Uni.createFrom().item(
                AppendImportChunkResponse.getDefaultInstance()));
        byte[] chunk = new byte[3 * 1024 * 1024];

        given().contentType("application/octet-stream").body(chunk)
                .when().put("/v1/imports/imp-1/chunks/0")
                .then().statusCode(204);
        verify(ingestion).appendImportChunk(org.mockito.ArgumentMatchers.argThat(request ->
                request.getData().size() == chunk.length));
    }

    @Test
    void refusesOversizedChunksAndCompletionWithoutACount() {
        byte[] big = new byte[4 * 1024 * 1024 + 1];

        given().contentType("application/octet-stream").body(big)
                .when().put("/v1/imports/imp-1/chunks/0")
                .then().statusCode(413).contentType("application/problem+json")
                .body("limit", equalTo(4 * 1024 * 1024));
        given().contentType(ContentType.JSON).body("{}")
                .when().post("/v1/imports/imp-1/complete")
                .then().statusCode(400).contentType("application/problem+json");
        verify(ingestion, never()).appendImportChunk(any());
    }

    @Test
    void anIncompleteUploadIsAConflict() {
        when(ingestion.completeImportUpload(any())).thenReturn(Uni.createFrom().failure(Status.FAILED_PRECONDITION
                .withDescription("import imp-1 has 1 of 2 chunks; send the missing ones first").asRuntimeException()));

        given().contentType(ContentType.JSON).body("{\"chunks\": 2}")
                .when().post("/v1/imports/imp-1/complete")
                .then().statusCode(409).contentType("application/problem+json")
                .body("detail", equalTo("import imp-1 has 1 of 2 chunks; send the missing ones first"));
    }

    @Test
    void listsTheJobsAPageAtATimePassingTheStatusLimitAndCursorOn() {
        ArgumentCaptor<ListImportsRequest> asked = ArgumentCaptor.forClass(ListImportsRequest.class);
        when(ingestion.listImports(asked.capture())).thenReturn(Uni.createFrom().item(ListImportsResponse.newBuilder()
                .addJobs(job("done")).setNextPageToken("tok-2").build()));

        given().queryParam("status", "done").queryParam("limit", 1).queryParam("cursor", "tok-1")
                .when().get("/v1/imports")
                .then().statusCode(200)
                .body("items[0].id", equalTo("imp-1"))
                .body("items[0].status", equalTo("done"))
                .body("items[0].rowsRejected", equalTo(3))
                .body("next", equalTo("tok-2"));
        assertThat(asked.getValue().getWorkspace()).isEqualTo("default");
        assertThat(asked.getValue().getStatus()).isEqualTo("done");
        assertThat(asked.getValue().getPageSize()).isEqualTo(1);
        assertThat(asked.getValue().getPageToken()).isEqualTo("tok-1");

        when(ingestion.listImports(asked.capture())).thenReturn(Uni.createFrom().item(ListImportsResponse.newBuilder()
                .addJobs(job("uploading")).build()));
        given().when().get("/v1/imports")
                .then().statusCode(200)
                .body("items", org.hamcrest.Matchers.hasSize(1))
                .body("$", not(hasKey("next")));
        assertThat(asked.getValue().getStatus()).as("every status").isEmpty();
        assertThat(asked.getValue().getPageSize()).as("the default page").isEqualTo(50);
    }

    @Test
    void aLimitOutOfRangeIsABadRequestBeforeIngestionIsAsked() {
        given().queryParam("limit", 501).when().get("/v1/imports")
                .then().statusCode(400).contentType("application/problem+json");
        given().queryParam("limit", 0).when().get("/v1/imports")
                .then().statusCode(400).contentType("application/problem+json");
        verify(ingestion, never()).listImports(any());
    }
}
