package io.portrait.identity.repository;

import io.portrait.identity.domain.ResolvedEvent;
import io.quarkus.hibernate.reactive.panache.PanacheRepositoryBase;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

@ApplicationScoped
public class ResolvedEventRepository implements PanacheRepositoryBase<ResolvedEvent, ResolvedEvent.Key> {

    public Uni<ResolvedEvent> findEvent(String workspace, String eventId) {
        return find("workspace = ?1 and eventId = ?2", workspace, eventId).firstResult();
    }
}
