package io.portrait.launcher.importing;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.portrait.launcher.demo.RetailCsv;
import io.portrait.launcher.suite.AdminKey;
import io.portrait.launcher.suite.GatewayClient;

import java.io.IOException;
import java.io.InputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * {@code ./portrait import FILE [options]}: loads a customer file into a running Portrait through the public REST
 * API, as any client would (docs/ingestion.md, "File import"): creates the job, uploads the file in chunks, completes
 * the upload, follows the job to its end and sums it up, with the first reasons rows were rejected for. The command
 * holds no more than a chunk of the file at a time, so a file of any size can be loaded.
 */
public final class ImportCommand {

    /** The gateway's largest chunk. */
    static final int CHUNK_BYTES = 4 * 1024 * 1024;
    /** How many reject reasons the summary shows; the report has them all. */
    static final int REASONS_SHOWN = 5;
    private static final long POLL_MILLIS = 500;

    private final GatewayClient gateway;
    private final ImportOptions options;
    private final PrintStream out;
    private final ObjectMapper mapper = new ObjectMapper();

    private ImportCommand(GatewayClient gateway, ImportOptions options, PrintStream out) {
        this.gateway = gateway;
        this.options = options;
        this.out = out;
    }

    /** @param home the portrait home, whose {@code .portrait/admin-key} is the key when {@code --key} is not given */
    public static void main(Path home, List<String> arguments, PrintStream out) throws InterruptedException {
        ImportOptions options = ImportOptions.parse(arguments);
        if (Files.isDirectory(options.file())) {
            throw new IllegalArgumentException(options.file() + " is a directory, not a file to import");
        }
        if (!Files.exists(options.file())) {
            throw new IllegalArgumentException("no file to import at " + options.file());
        }
        if (!Files.isReadable(options.file())) {
            throw new IllegalArgumentException("cannot read " + options.file() + ": not readable by this user");
        }
        String key = options.key() != null ? options.key() : AdminKey.read(home.resolve(".portrait/admin-key"));
        new ImportCommand(new GatewayClient(options.url(), key), options, out).run();
    }

    private void run() throws InterruptedException {
        String id = create();
        int chunks = upload(id);
        expect(gateway.post("/v1/imports/" + id + "/complete", mapper.createObjectNode().put("chunks", chunks)), 202,
                "completing the upload");
        JsonNode job = follow(id);
        long rejected = job.path("rowsRejected").asLong();
        if (job.path("status").asText().equals("failed")) {
            throw new IllegalStateException("import " + id + " failed after " + job.path("rowsRead").asLong()
                    + " rows: " + job.path("error").asText("no reason given"));
        }
        out.printf("Imported %s: %,d rows read, %,d accepted, %,d rejected.%n", options.file().getFileName(),
                job.path("rowsRead").asLong(), job.path("rowsAccepted").asLong(), rejected);
        if (rejected > 0) {
            reasons(id);
        }
    }

    /** The first call, so a gateway that is not there is told as such rather than as a failed call. */
    private String create() {
        GatewayClient.Answer answer;
        try {
            answer = gateway.post("/v1/imports", options.jobRequest(mapper));
        } catch (UncheckedIOException e) {
            Throwable cause = e.getCause();
            String reason = cause.getMessage() != null ? cause.getMessage()
                    : cause instanceof ConnectException ? "connection refused" : cause.getClass().getSimpleName();
            throw new IllegalStateException("cannot reach the gateway at " + options.url() + " (" + reason
                    + "): start Portrait with ./portrait run, or pass --url", e);
        }
        JsonNode job = expect(answer, 201, "creating the import");
        String id = job.path("id").asText();
        String sheet = job.path("sheet").asText("");
        out.println("Import " + id + " created (" + options.format()
                + (sheet.isEmpty() ? "" : ", worksheet \"" + sheet + "\"") + ").");
        return id;
    }

    /** Sends the file in chunks of {@link #CHUNK_BYTES}, numbered from 0; an empty file is one empty chunk. */
    private int upload(String id) {
        long size = 0;
        int seq = 0;
        try (InputStream in = Files.newInputStream(options.file())) {
            long chunks = Math.max(1, (Files.size(options.file()) + CHUNK_BYTES - 1) / CHUNK_BYTES);
            byte[] chunk;
            do {
                chunk = in.readNBytes(CHUNK_BYTES);
                if (chunk.length == 0 && seq > 0) {
                    break;
                }
                expect(gateway.put("/v1/imports/" + id + "/chunks/" + seq, chunk, options.contentType()), 204,
                        "uploading chunk " + seq);
                seq++;
                size += chunk.length;
                if (chunks > 1) {
                    out.printf("  uploaded chunk %d of %d%n", seq, chunks);
                }
            } while (chunk.length == CHUNK_BYTES);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + options.file() + ": " + e.getMessage(), e);
        }
        out.printf("Uploaded %s: %,d bytes in %d chunk%s.%n", options.file().getFileName(), size, seq,
                seq == 1 ? "" : "s");
        return seq;
    }

    /** Polls the job until it is done or failed, printing its progress whenever it moves. */
    private JsonNode follow(String id) throws InterruptedException {
        String shown = null;
        while (true) {
            JsonNode job = expect(gateway.get("/v1/imports/" + id), 200, "reading the import's progress");
            String status = job.path("status").asText();
            String progress = String.format("  %s: %,d rows read, %,d accepted, %,d rejected", status,
                    job.path("rowsRead").asLong(), job.path("rowsAccepted").asLong(), job.path("rowsRejected").asLong());
            if (!progress.equals(shown)) {
                out.println(progress);
                shown = progress;
            }
            if (status.equals("done") || status.equals("failed")) {
                return job;
            }
            Thread.sleep(POLL_MILLIS);
        }
    }

    /** The first reasons of the reject report, and how to download all of it. */
    private void reasons(String id) {
        String path = "/v1/imports/" + id + "/rejects";
        GatewayClient.Text report = gateway.text(path);
        if (report.status() != 200) {
            throw new IllegalStateException("reading the reject report: the gateway answered " + report.status()
                    + ": " + detail(parse(report.body())));
        }
        List<String> lines = report.body().lines().skip(1).filter(line -> !line.isBlank()).toList();
        out.println(lines.size() <= REASONS_SHOWN ? "Reject reasons:"
                : String.format("Reject reasons (the first %d of %,d):", REASONS_SHOWN, lines.size()));
        for (String line : lines.subList(0, Math.min(REASONS_SHOWN, lines.size()))) {
            String[] cells = RetailCsv.split(line);
            out.println(cells.length < 4 ? "  " + line
                    : "  row " + cells[0] + ", " + cells[1] + " (" + cells[2] + "): " + cells[3]);
        }
        String key = options.key() != null ? "<key>" : "$(cat .portrait/admin-key)";
        out.println("The whole report: curl -H \"X-API-Key: " + key + "\" -o " + id + "-rejects.csv '"
                + gateway.baseUrl() + path + "'");
    }

    /** The answer's body when it has the expected status; otherwise the problem, as one line. */
    private JsonNode expect(GatewayClient.Answer answer, int status, String doing) {
        if (answer.status() == status) {
            return answer.body() == null ? mapper.createObjectNode() : answer.body();
        }
        throw new IllegalStateException(doing + ": the gateway answered " + answer.status()
                + (answer.status() == 403 ? " (the key needs events:write and profiles:read)" : "") + ": "
                + detail(answer.body()));
    }

    /** What a problem+json answer says went wrong: its detail, else its title, else the body as it is. */
    private static String detail(JsonNode body) {
        if (body == null || body.isMissingNode()) {
            return "no details";
        }
        if (body.isTextual()) {
            return body.asText();
        }
        return body.hasNonNull("detail") ? body.path("detail").asText()
                : body.hasNonNull("title") ? body.path("title").asText() : body.toString();
    }

    private JsonNode parse(String body) {
        try {
            return body == null || body.isBlank() ? null : mapper.readTree(body);
        } catch (IOException e) {
            return mapper.getNodeFactory().textNode(body.strip());
        }
    }
}
