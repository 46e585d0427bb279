package io.portrait.gateway.service;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectMapper;
import io.grpc.Status;
import io.micrometer.core.instrument.MeterRegistry;
import io.netty.channel.ConnectTimeoutException;
import io.portrait.common.pii.PiiCipher;
import io.portrait.common.polling.Backoff;
import io.portrait.common.polling.PollingLoop;
import io.portrait.common.polling.Wakeup;
import io.portrait.gateway.client.SegmentClient;
import io.portrait.gateway.client.WebhookClient;
import io.portrait.gateway.config.GatewayConfig;
import io.portrait.gateway.domain.SegmentViews;
import io.portrait.gateway.engine.DestinationAddress;
import io.portrait.gateway.engine.WebhookSignature;
import io.portrait.gateway.repository.DestinationRepository;
import io.portrait.gateway.repository.DestinationRepository.Due;
import io.portrait.proto.tagging.v1.ListSegmentChangesRequest;
import io.quarkus.logging.Log;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Multi;
import io.smallrye.mutiny.Uni;
import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.io.IOException;
import java.net.ConnectException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Collectors;

/**
 * Pushes segment membership changes to webhook destinations: a follower of each destination's segments' change
 * logs, at least once and in order. Each round claims the deliveries that are due (held for
 * {@code attempt-lease}, so replicas never call one at once), reads the changes after the last one the receiver
 * acknowledged, and posts them, signed, in batches. A 2xx moves the delivery on; anything else (a status, a timeout,
 * a refused address) keeps it where it was and retries the same changes, with the same delivery id, after a backoff.
 */
@ApplicationScoped
public class WebhookDelivery {

    /** Names the batch: the same changes retried carry the same id, so a receiver can drop one it has applied. */
    public static final String DELIVERY_HEADER = "Portrait-Delivery";
    private static final int CLAIMS_PER_ROUND = 20;
    /** How long a stopping gateway waits for the round in flight to record its calls. */
    private static final Duration STOP_GRACE = Duration.ofSeconds(5);

    private final DestinationRepository destinations;
    private final SegmentClient segments;
    private final DestinationAddress addresses;
    private final PiiCipher cipher;
    private final WebhookClient http;
    private final ObjectMapper json;
    private final GatewayConfig.Destinations config;
    private final Backoff backoff;
    private final MeterRegistry metrics;
    private final Clock clock = Clock.systemUTC();
    private final AtomicBoolean running = new AtomicBoolean();
    private final PollingLoop rounds;

    public WebhookDelivery(DestinationRepository destinations, SegmentClient segments, DestinationAddress addresses,
                           PiiCipher cipher, WebhookClient http, ObjectMapper json, GatewayConfig config,
                           MeterRegistry metrics) {
        this.destinations = destinations;
        this.segments = segments;
        this.addresses = addresses;
        this.cipher = cipher;
        this.http = http;
        this.json = json;
        this.config = config.destinations();
        this.backoff = new Backoff(this.config.retryInterval(), this.config.maxBackoff());
        this.metrics = metrics;
        // Each delivery keeps its own backoff in the store; the loop's own applies when a round fails as a whole.
        this.rounds = new PollingLoop("webhook delivery", this::loopRound, new Wakeup(), this.config.pollInterval(),
                this.config.pollInterval(), backoff);
    }

    void start(@Observes StartupEvent started) {
        rounds.start(config.pollInterval());
    }

    void stop(@Observes ShutdownEvent stopping) {
        rounds.stop(STOP_GRACE);
    }

    /** One round over the deliveries that are due; rounds of one replica never overlap. Answers the calls made. */
    public Uni<Integer> round() {
        return claimAndDeliver().map(Round::calls);
    }

    /**
     * A round of the background loop, which looks again at once when it may have left work due: a delivery with
     * more changes than its calls in a row took is due again now, and a full claim may have left others.
     */
    private Uni<Boolean> loopRound() {
        return claimAndDeliver().map(round -> round.calls() > 0 || round.claimed() == CLAIMS_PER_ROUND);
    }

    /** How many deliveries a round claimed, and the calls it made. */
    private record Round(int claimed, int calls) {
    }

    private Uni<Round> claimAndDeliver() {
        if (!running.compareAndSet(false, true)) {
            return Uni.createFrom().item(new Round(0, 0));
        }
        Instant now = clock.instant();
        return destinations.claimDue(now, now.plus(config.attemptLease()), CLAIMS_PER_ROUND)
                .flatMap(due -> Multi.createFrom().iterable(due)
                        .onItem().transformToUniAndConcatenate(claimed -> deliver(claimed, 0))
                        .collect().with(Collectors.summingInt(Integer::intValue))
                        .map(calls -> new Round(due.size(), calls)))
                .onTermination().invoke(() -> running.set(false));
    }

    /** Delivers what the log holds after the delivery's last acknowledged change; answers the calls made. */
    private Uni<Integer> deliver(Due due, int calls) {
        return segments.changes(ListSegmentChangesRequest.newBuilder().setWorkspace(due.workspace())
                        .setCode(due.segment()).setAfterSequence(due.deliveredThrough()).setLimit(config.batchSize())
                        .build())
                .map(response -> response.getChangesList().stream()
                        .map(change -> new SegmentViews.Change(change.getSequence(), change.getProfileId(),
                                change.getChange(), TagService.time(change.getAt()))).toList())
                .onItemOrFailure().transformToUni((changes, unread) -> {
                    if (unread != null) {
                        return failed(due, "reading the segment's changes failed: " + readError(unread))
                                .replaceWith(calls);
                    }
                    if (changes.isEmpty()) {
                        return destinations.schedule(due, clock.instant().plus(config.pollInterval()), null, null)
                                .replaceWith(calls);
                    }
                    return post(due, changes).flatMap(failure -> failure.isPresent()
                            ? failed(due, failure.get()).replaceWith(calls + 1)
                            : acknowledged(due, changes, calls + 1));
                });
    }

    private static String readError(Throwable failure) {
        Status.Code code = Status.fromThrowable(failure).getCode();
        return code == Status.Code.NOT_FOUND ? "the segment no longer exists" : code.name();
    }

    private Uni<Integer> acknowledged(Due due, List<SegmentViews.Change> changes, int calls) {
        metrics.counter("portrait.gateway.webhook.calls", "outcome", "delivered").increment();
        metrics.counter("portrait.gateway.webhook.changes.delivered").increment(changes.size());
        long through = changes.get(changes.size() - 1).sequence();
        Instant now = clock.instant();
        return destinations.delivered(due, through, changes.size(), now).flatMap(recorded -> {
            if (!recorded) {
                // Another replica took the delivery over after this round's hold ran out; it goes on from there.
                return Uni.createFrom().item(calls);
            }
            Due next = new Due(due.destinationId(), due.workspace(), due.url(), due.sealedSecret(), due.segment(),
                    through, 0);
            boolean more = changes.size() == config.batchSize();
            if (more && calls < config.callsPerRound()) {
                return deliver(next, calls);
            }
            return destinations.schedule(next, more ? now : now.plus(config.pollInterval()), null, null)
                    .replaceWith(calls);
        });
    }

    private Uni<Void> failed(Due due, String error) {
        metrics.counter("portrait.gateway.webhook.calls", "outcome", "failed").increment();
        Instant now = clock.instant();
        Log.debugf("webhook destination %s, segment %s: %s", due.destinationId(), due.segment(), error);
        return destinations.schedule(due, now.plus(backoff.delay(due.failures() + 1)), error, now);
    }

    /** Posts the changes; empty when the receiver acknowledged them (2xx), otherwise why not. */
    private Uni<Optional<String>> post(Due due, List<SegmentViews.Change> changes) {
        return Uni.createFrom().item(() -> request(due, changes))
                // The address check looks the host up: not on an event loop.
                .runSubscriptionOn(Infrastructure.getDefaultWorkerPool())
                .flatMap(request -> request.refused().isPresent()
                        ? Uni.createFrom().item(request.refused())
                        : http.post(request.call())
                                .map(status -> status / 100 == 2 ? Optional.<String>empty()
                                        : Optional.of("the receiver answered HTTP " + status))
                                .onFailure().recoverWithItem(failure -> Optional.of(callError(failure))));
    }

    private Prepared request(Due due, List<SegmentViews.Change> changes) {
        URI url = URI.create(due.url());
        DestinationAddress.CallAddresses checked;
        try {
            checked = addresses.atCall(url);
        } catch (UnknownHostException e) {
            return new Prepared(null, Optional.of("the host " + url.getHost() + " is unknown"));
        }
        if (checked.refused().isPresent()) {
            return new Prepared(null, checked.refused().map(reason -> "the URL points to " + reason));
        }
        String deliveryId = UUID.nameUUIDFromBytes((due.destinationId() + "/" + due.segment() + "/"
                + due.deliveredThrough()).getBytes(StandardCharsets.UTF_8)).toString();
        byte[] body = body(new Payload(deliveryId, due.destinationId().toString(), due.segment(), changes));
        String signature = WebhookSignature.header(cipher.decrypt(due.sealedSecret()), clock.instant().getEpochSecond(),
                body);
        // The addresses the check approved, so the call goes where it was checked to go.
        return new Prepared(new WebhookClient.Call(url, checked.addresses(), Map.of(
                "Content-Type", "application/json",
                "User-Agent", "Portrait-Webhooks/1",
                DELIVERY_HEADER, deliveryId,
                WebhookSignature.HEADER, signature), body), Optional.empty());
    }

    private byte[] body(Payload payload) {
        try {
            return json.writeValueAsBytes(payload);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("a webhook payload is plain data", e);
        }
    }

    private static String callError(Throwable failure) {
        Throwable cause = failure instanceof CompletionException && failure.getCause() != null
                ? failure.getCause() : failure;
        // A connect timeout is a ConnectException too, but no refusal.
        if (cause instanceof TimeoutException || cause instanceof ConnectTimeoutException) {
            return "the receiver did not answer in time";
        }
        if (cause instanceof ConnectException) {
            return "the receiver could not be reached (connection refused)";
        }
        if (cause instanceof IOException) {
            return "the call failed: " + cause.getClass().getSimpleName()
                    + (cause.getMessage() == null ? "" : " (" + cause.getMessage() + ")");
        }
        return "the call failed: " + cause.getClass().getSimpleName();
    }

    /** What a receiver gets: the batch's id, the destination, the segment and its changes, oldest first. */
    public record Payload(String id, String destinationId, String segment, List<SegmentViews.Change> changes) {
    }

    private record Prepared(WebhookClient.Call call, Optional<String> refused) {
    }
}
