package io.portrait.identity.repository;

import io.portrait.identity.engine.IdentifierKey;
import io.portrait.identity.domain.IdentifierLink;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.quarkus.panache.common.Sort;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.List;
import java.util.UUID;

@ApplicationScoped
public class IdentifierLinkRepository implements PanacheRepositoryBase<IdentifierLink, Long> {

    public Uni<IdentifierLink> findByKey(String workspace, IdentifierKey key) {
        return find("workspace = ?1 and type = ?2 and valueHash = ?3", workspace, key.type(), key.hashBytes())
                .firstResult();
    }

    public Uni<List<IdentifierLink>> listByProfile(String workspace, UUID profileId) {
        return list("workspace = ?1 and profileId = ?2", Sort.by("type").and("createdAt").and("id"),
                workspace, profileId);
    }
}
