package io.portrait.gateway.rest;

import io.portrait.gateway.config.GatewayConfig;
import io.portrait.gateway.domain.EventBatchResult;
import io.portrait.gateway.domain.SegmentCompatResult;
import io.portrait.gateway.engine.BatchFormatException;
import io.portrait.gateway.engine.GzipBody;
import io.portrait.gateway.engine.Scope;
import io.portrait.gateway.service.SegmentCompatService;
import io.smallrye.mutiny.Uni;
import jakarta.annotation.security.RolesAllowed;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.HeaderParam;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import org.eclipse.microprofile.openapi.annotations.Operation;
import org.eclipse.microprofile.openapi.annotations.media.Content;
import org.eclipse.microprofile.openapi.annotations.media.Schema;
import org.eclipse.microprofile.openapi.annotations.parameters.Parameter;
import org.eclipse.microprofile.openapi.annotations.responses.APIResponse;
import org.eclipse.microprofile.openapi.annotations.security.SecurityRequirement;
import org.eclipse.microprofile.openapi.annotations.tags.Tag;

import java.util.Locale;
import java.util.function.Function;

/**
 * Segment's tracking API on Portrait: a team moving from Segment points its server-side SDKs at
 * {@code <gateway>/compat/segment} (they append {@code /v1/batch} and the like) and keeps its tracking code. The
 * SDKs send their write key as the HTTP Basic user name: here that is a Portrait API key holding
 * {@code events:write} ({@link SegmentWriteKeyAuthenticationMechanism}).
 */
@Path("/compat/segment/v1")
@RolesAllowed(Scope.EVENTS_WRITE_NAME)
@SecurityRequirement(name = "segmentWriteKey")
@SecurityRequirement(name = "apiKey")
@SecurityRequirement(name = "bearer")
@Tag(name = "Segment compatibility", description = "Segment's HTTP tracking API, for its server-side SDKs.")
public class SegmentCompatResource {

    private final SegmentCompatService segment;
    private final GatewayConfig config;
    private final CurrentCaller caller;

    public SegmentCompatResource(SegmentCompatService segment, GatewayConfig config, CurrentCaller caller) {
        this.segment = segment;
        this.config = config;
        this.caller = caller;
    }

    @POST
    @Path("{kind: batch|import}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(summary = "Collect a batch of Segment messages",
            description = "Body {\"batch\": [messages], \"context\": {...}, \"sentAt\": \"...\"}; the batch's "
                    + "context lies under each message's, and its sentAt (the sender's clock when it sent the batch) "
                    + "corrects the times of the messages with no sentAt of their own. Each message is translated "
                    + "into a Portrait event and accepted or rejected as by POST /v1/events.")
    @APIResponse(responseCode = "200", description = "{\"success\": true} when every message was accepted; else "
            + "\"success\": false with the rejected messages and their reasons (the others are accepted).",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = SegmentCompatResult.class)))
    @APIResponse(responseCode = "400", description = "The body is not a readable batch; nothing was accepted.",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    @APIResponse(responseCode = "413", description = "The batch is over a size limit (2,500 messages, 500 KB, 32 KB "
            + "per translated event); nothing was accepted.", content = @Content(mediaType = Problem.MEDIA_TYPE))
    @APIResponse(responseCode = "415", description = "The body is not JSON, or is compressed other than with gzip.",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Uni<SegmentCompatResult> batch(
            @Parameter(description = "batch or import: the same") @PathParam("kind") String kind,
            @HeaderParam("Content-Encoding") String encoding,
            byte[] body) {
        return collect(encoding, body, json -> segment.batch(caller.workspace(), json));
    }

    @POST
    @Path("{type: track|identify|page|screen|alias}")
    @Consumes(MediaType.APPLICATION_JSON)
    @Produces({MediaType.APPLICATION_JSON, Problem.MEDIA_TYPE})
    @Operation(summary = "Collect one Segment message",
            description = "One message of the path's type, translated and accepted or rejected as by POST /v1/events; "
                    + "its sentAt, if any, corrects its time for the sender's clock.")
    @APIResponse(responseCode = "200", description = "{\"success\": true} when the message was accepted; else "
            + "\"success\": false with the reasons.",
            content = @Content(mediaType = MediaType.APPLICATION_JSON,
                    schema = @Schema(implementation = SegmentCompatResult.class)))
    @APIResponse(responseCode = "400", description = "The body is not a readable message.",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    @APIResponse(responseCode = "413", description = "The message is over a size limit.",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    @APIResponse(responseCode = "415", description = "The body is not JSON, or is compressed other than with gzip.",
            content = @Content(mediaType = Problem.MEDIA_TYPE))
    public Uni<SegmentCompatResult> single(
            @Parameter(description = "The message's type") @PathParam("type") String type,
            @HeaderParam("Content-Encoding") String encoding,
            byte[] body) {
        return collect(encoding, body, json -> segment.single(caller.workspace(), type, json));
    }

    private Uni<SegmentCompatResult> collect(String encoding, byte[] body,
                                             Function<byte[], Uni<EventBatchResult>> collect) {
        byte[] json = decoded(encoding, body == null ? new byte[0] : body);
        BatchProblems.checkSize(json, config);
        try {
            return collect.apply(json).map(SegmentCompatResult::of);
        } catch (BatchFormatException e) {
            throw BatchProblems.of(e, config);
        }
    }

    /**
     * The body as JSON: as sent, or inflated when gzip (some SDKs compress their batches), never past the batch
     * limit. Any other encoding is refused.
     */
    private byte[] decoded(String encoding, byte[] body) {
        String coding = encoding == null ? "" : encoding.strip().toLowerCase(Locale.ROOT);
        if (coding.isEmpty() || coding.equals("identity")) {
            return body;
        }
        if (!coding.equals("gzip")) {
            throw new ProblemException(new Problem("unsupported-media-type", "Unsupported Media Type", 415,
                    "This endpoint reads JSON, as sent or gzip-compressed; the body was sent with Content-Encoding '"
                            + encoding.strip() + "'."));
        }
        try {
            return GzipBody.inflate(body, config.maxBatchBytes());
        } catch (GzipBody.TooLarge e) {
            throw new ProblemException(new Problem("payload-too-large", "Batch too large", 413,
                    "A batch is at most " + e.limit() + " bytes; this one inflates to more.").with("limit", e.limit()));
        } catch (GzipBody.Corrupt e) {
            throw new ProblemException(new Problem("malformed-body", "Malformed body", 400,
                    "The body was sent with Content-Encoding 'gzip' but is not gzip: " + e.getMessage() + "."));
        }
    }
}
