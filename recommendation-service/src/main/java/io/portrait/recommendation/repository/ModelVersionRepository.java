package io.portrait.recommendation.repository;

import io.portrait.recommendation.domain.ModelVersion;
import io.quarkus.mongodb.reactive.ReactiveMongoCollection;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import org.bson.Document;

import java.time.Instant;
import java.util.Date;
import java.util.List;
import java.util.Objects;
import java.util.Optional;

import static com.mongodb.client.model.Filters.eq;
import static com.mongodb.client.model.Updates.combine;
import static com.mongodb.client.model.Updates.inc;
import static com.mongodb.client.model.Updates.max;
import static com.mongodb.client.model.Updates.set;
import static io.portrait.recommendation.repository.RecommendationStore.MODELS;
import static io.portrait.recommendation.repository.RecommendationStore.WORKSPACE;

/**
 * One document per workspace: the number of the latest model version and what it was built from, and a counter of
 * the changes noted in the workspace (with the time of the last), so that every replica can tell whether its model
 * is behind: a counter, not a time, because a change noted in the same millisecond as a build started cannot be
 * told apart from one just before it by time alone.
 */
@ApplicationScoped
public class ModelVersionRepository {

    static final String VERSION = "version";
    static final String CHANGES = "changes";
    static final String CHANGED_AT = "changed_at";
    static final String BUILT_AT = "built_at";
    static final String PROFILES = "profiles";
    static final String ITEMS = "items";
    static final String PAIRS = "pairs";

    private final ReactiveMongoCollection<Document> models;

    ModelVersionRepository(RecommendationStore store) {
        this.models = store.collection(MODELS);
    }

    /** Notes one change of the workspace's interactions, catalog or profiles, made at the given time. */
    public Uni<Void> markChanged(String workspace, Instant at) {
        return Upsert.apply(models, eq(WORKSPACE, workspace),
                combine(inc(CHANGES, 1L), max(CHANGED_AT, Date.from(at))));
    }

    /** How many changes were noted in the workspace so far; 0 when none. */
    public Uni<Long> changes(String workspace) {
        return find(workspace).map(model -> model.map(ModelVersion::changes).orElse(0L));
    }

    /** Claims the next version number of the workspace's model. */
    public Uni<Long> nextVersion(String workspace) {
        return Upsert.applyAndRead(models, eq(WORKSPACE, workspace), inc(VERSION, 1L))
                .map(document -> ((Number) document.get(VERSION)).longValue());
    }

    /** Records what a version was built from, unless a later version was recorded meanwhile. */
    public Uni<Void> recordBuilt(String workspace, long version, Instant builtAt, int profiles, int items, long pairs) {
        return models.updateOne(eq(WORKSPACE, workspace), combine(
                        set("latest." + VERSION, version), set("latest." + BUILT_AT, Date.from(builtAt)),
                        set("latest." + PROFILES, profiles), set("latest." + ITEMS, items), set("latest." + PAIRS, pairs)))
                .replaceWithVoid();
    }

    /**
     * Every workspace with a model document: each whose interactions, catalog, merges or erasures ever changed, or
     * whose model was ever built.
     */
    public Uni<List<String>> workspaces() {
        return models.find().map(document -> document.getString(WORKSPACE)).filter(Objects::nonNull)
                .collect().asList();
    }

    public Uni<Optional<ModelVersion>> find(String workspace) {
        return models.find(eq(WORKSPACE, workspace)).collect().first().map(document -> Optional.ofNullable(document)
                .map(d -> new ModelVersion(d.get(VERSION) instanceof Number n ? n.longValue() : 0L,
                        d.get(CHANGES) instanceof Number n ? n.longValue() : 0L,
                        d.getDate(CHANGED_AT) == null ? null : d.getDate(CHANGED_AT).toInstant())));
    }
}
