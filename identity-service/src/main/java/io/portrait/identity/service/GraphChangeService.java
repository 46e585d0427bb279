package io.portrait.identity.service;

import io.portrait.identity.domain.GraphChange;
import io.portrait.identity.domain.InvalidRequestException;
import io.portrait.identity.domain.PageSize;
import io.portrait.identity.repository.GraphChangeRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;

/** Reads the feed of graph changes made outside Resolve, for ingestion to pass on to the services. */
@ApplicationScoped
public class GraphChangeService {

    public static final int DEFAULT_LIMIT = 100;
    public static final int MAX_LIMIT = 1000;

    private final GraphChangeRepository changes;

    public GraphChangeService(GraphChangeRepository changes) {
        this.changes = changes;
    }

    /**
     * The changes after {@code afterSeq} in the order they were committed.
     *
     * @param workspace one workspace, or null for all
     * @param limit     1 to 1000; 0 for the default of 100
     */
    public Uni<List<GraphChange>> list(String workspace, long afterSeq, int limit) {
        return Uni.createFrom().item(() -> {
            if (afterSeq < 0) {
                throw new InvalidRequestException("after_seq", "must not be negative");
            }
            return PageSize.of(limit, DEFAULT_LIMIT, MAX_LIMIT);
        }).flatMap(pageSize -> changes.listAfter(workspace, afterSeq, pageSize));
    }
}
