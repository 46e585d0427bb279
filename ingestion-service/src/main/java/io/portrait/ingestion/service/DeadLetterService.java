package io.portrait.ingestion.service;

import io.micrometer.core.instrument.MeterRegistry;
import io.portrait.ingestion.config.IngestionConfig;
import io.portrait.ingestion.repository.OutboxRepository;
import io.portrait.proto.ingestion.v1.DeadLetter;
import io.portrait.proto.ingestion.v1.ListDeadLettersRequest;
import io.portrait.proto.ingestion.v1.ListDeadLettersResponse;
import io.portrait.proto.ingestion.v1.ReplayDeadLettersRequest;
import io.portrait.proto.ingestion.v1.ReplayDeadLettersResponse;
import io.quarkus.logging.Log;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

/** Outbox entries a sink refused until they were dead-lettered: listed for inspection, replayed once fixed. */
@ApplicationScoped
public class DeadLetterService {

    private final OutboxRepository outbox;
    private final EventSignals signals;
    private final IngestionConfig config;
    private final MeterRegistry metrics;

    public DeadLetterService(OutboxRepository outbox, EventSignals signals, IngestionConfig config,
                             MeterRegistry metrics) {
        this.outbox = outbox;
        this.signals = signals;
        this.config = config;
        this.metrics = metrics;
    }

    public Uni<ListDeadLettersResponse> list(ListDeadLettersRequest request) {
        String sink = sink(request.getSink());
        int size = PageTokens.pageSize(request.getPageSize(), config.lists().defaultPageSize(),
                config.lists().maxPageSize());
        return outbox.listDead(IngestService.workspace(request.getWorkspace()), sink, size + 1,
                PageTokens.decode(request.getPageToken())).map(found -> {
            ListDeadLettersResponse.Builder response = ListDeadLettersResponse.newBuilder()
                    .addAllDeadLetters(found.stream().limit(size).toList());
            if (found.size() > size) {
                DeadLetter last = found.get(size - 1);
                response.setNextPageToken(PageTokens.encode(last.getId()));
            }
            return response.build();
        });
    }

    public Uni<ReplayDeadLettersResponse> replay(ReplayDeadLettersRequest request) {
        String sink = sink(request.getSink());
        return outbox.replayDead(IngestService.workspace(request.getWorkspace()), sink, request.getIdsList())
                .map(replayed -> {
                    if (replayed > 0) {
                        Log.infof("%d dead letters back in the outbox%s", replayed, sink.isEmpty() ? "" : " of " + sink);
                        metrics.counter("portrait.ingestion.outbox.replayed").increment(replayed);
                        signals.resolved().signal();
                    }
                    return ReplayDeadLettersResponse.newBuilder().setReplayed(replayed.intValue()).build();
                });
    }

    private String sink(String requested) {
        String sink = requested.strip();
        if (!sink.isEmpty() && !config.sinks().contains(sink)) {
            throw new InvalidRequestException("sink", "unknown sink '" + sink + "'; sinks are " + config.sinks());
        }
        return sink;
    }
}
