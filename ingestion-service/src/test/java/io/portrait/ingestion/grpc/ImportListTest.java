package io.portrait.ingestion.grpc;

import com.google.protobuf.ByteString;
import com.mongodb.client.MongoClient;
import com.mongodb.client.model.Filters;
import com.mongodb.client.model.Updates;
import io.grpc.Status;
import io.grpc.StatusRuntimeException;
import io.portrait.common.testing.MongoTestResource;
import io.portrait.proto.ingestion.v1.AppendImportChunkRequest;
import io.portrait.proto.ingestion.v1.CompleteImportUploadRequest;
import io.portrait.proto.ingestion.v1.CreateImportRequest;
import io.portrait.proto.ingestion.v1.GetImportRequest;
import io.portrait.proto.ingestion.v1.ImportJob;
import io.portrait.proto.ingestion.v1.ImportSpec;
import io.portrait.proto.ingestion.v1.Ingestion;
import io.portrait.proto.ingestion.v1.ListImportsRequest;
import io.portrait.proto.ingestion.v1.ListImportsResponse;
import io.quarkus.grpc.GrpcClient;
import io.quarkus.test.common.WithTestResource;
import io.quarkus.test.junit.QuarkusTest;
import jakarta.inject.Inject;
import org.junit.jupiter.api.Test;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.Date;
import java.util.List;

import static io.portrait.ingestion.grpc.TestEvents.workspace;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;
import static org.awaitility.Awaitility.await;

/** The workspace's import jobs as a list: newest first, by status, a page at a time (ListImports). */
@QuarkusTest
@WithTestResource(MongoTestResource.class)
class ImportListTest {

    private static final Duration CALL = Duration.ofSeconds(30);

    @GrpcClient("ingestion")
    Ingestion ingestion;

    @Inject
    MongoClient mongo;

    private ImportJob create(String workspace, String fileName) {
        ImportSpec spec = ImportSpec.newBuilder().setFormat("csv").setType("identify").setFileName(fileName).build();
        return ingestion.createImport(CreateImportRequest.newBuilder().setWorkspace(workspace).setSpec(spec).build())
                .await().atMost(CALL).getJob();
    }

    private ListImportsResponse page(String workspace, String status, int size, String token) {
        return ingestion.listImports(ListImportsRequest.newBuilder().setWorkspace(workspace).setStatus(status)
                .setPageSize(size).setPageToken(token).build()).await().atMost(CALL);
    }

    /** Every job of the list, page after page, and how many pages it took. */
    private List<List<String>> pages(String workspace, String status, int size) {
        List<List<String>> pages = new ArrayList<>();
        String token = "";
        do {
            ListImportsResponse page = page(workspace, status, size, token);
            pages.add(page.getJobsList().stream().map(ImportJob::getId).toList());
            token = page.getNextPageToken();
        } while (!token.isEmpty());
        return pages;
    }

    @Test
    void listsTheJobsNewestFirstPageByPageAndByStatus() throws InterruptedException {
        String workspace = workspace();
        List<String> created = new ArrayList<>();
        for (int i = 1; i <= 5; i++) {
            created.add(create(workspace, "file-" + i + ".csv").getId());
            Thread.sleep(5); // distinct creation times: the order is by time here, by id in the next test
        }
        String finished = created.get(1);
        ingestion.appendImportChunk(AppendImportChunkRequest.newBuilder().setWorkspace(workspace).setId(finished)
                .setSeq(0).setData(ByteString.copyFrom("identifiers.user_id\nu-1\n", StandardCharsets.UTF_8)).build())
                .await().atMost(CALL);
        ingestion.completeImportUpload(CompleteImportUploadRequest.newBuilder().setWorkspace(workspace)
                .setId(finished).setChunks(1).build()).await().atMost(CALL);
        await().atMost(Duration.ofSeconds(60)).until(() -> ingestion.getImport(GetImportRequest.newBuilder()
                .setWorkspace(workspace).setId(finished).build()).await().atMost(CALL).getJob().getStatus().equals("done"));

        List<String> newestFirst = new ArrayList<>(created);
        Collections.reverse(newestFirst);
        assertThat(pages(workspace, "", 2)).containsExactly(newestFirst.subList(0, 2), newestFirst.subList(2, 4),
                newestFirst.subList(4, 5));
        ListImportsResponse all = page(workspace, "", 0, "");
        assertThat(all.getJobsList()).extracting(ImportJob::getId).containsExactlyElementsOf(newestFirst);
        assertThat(all.getNextPageToken()).as("one page holds them all").isEmpty();
        assertThat(all.getJobs(3).getSpec().getFileName()).isEqualTo("file-2.csv");
        assertThat(all.getJobs(3).getRowsRead()).as("its progress").isEqualTo(1);

        assertThat(pages(workspace, "done", 2)).containsExactly(List.of(finished));
        assertThat(pages(workspace, " UPLOADING ", 3)).as("a status is read as the service writes it")
                .containsExactly(List.of(created.get(4), created.get(3), created.get(2)), List.of(created.get(0)));
        assertThat(pages(workspace, "failed", 2)).containsExactly(List.of());
        assertThat(pages(workspace(), "", 2)).as("another workspace's jobs are not listed").containsExactly(List.of());
    }

    @Test
    void jobsCreatedInTheSameMillisecondAreOrderedByIdSoNoPageRepeatsOrSkipsOne() {
        String workspace = workspace();
        List<String> created = new ArrayList<>();
        for (int i = 0; i < 7; i++) {
            created.add(create(workspace, "same-" + i + ".csv").getId());
        }
        mongo.getDatabase("ingestion").getCollection("imports").updateMany(Filters.eq("workspace", workspace),
                Updates.set("created_at", new Date(1_700_000_000_000L)));

        List<List<String>> pages = pages(workspace, "", 3);
        assertThat(pages).hasSize(3);
        assertThat(pages.stream().flatMap(List::stream).toList())
                .containsExactlyElementsOf(created.stream().sorted(Comparator.reverseOrder()).toList());
    }

    @Test
    void refusesAnUnknownStatusANegativePageSizeAndATokenItDidNotGiveOut() {
        String workspace = workspace();
        StatusRuntimeException status = catchThrowableOfType(StatusRuntimeException.class,
                () -> page(workspace, "finished", 10, ""));
        assertThat(status.getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(status.getStatus().getDescription()).contains("uploading, queued, running, done, failed");
        assertThat(catchThrowableOfType(StatusRuntimeException.class, () -> page(workspace, "", -1, ""))
                .getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
        assertThat(catchThrowableOfType(StatusRuntimeException.class, () -> page(workspace, "", 10, "bm90LWEtdG9rZW4"))
                .getStatus().getCode()).isEqualTo(Status.Code.INVALID_ARGUMENT);
    }
}
