package io.portrait.identity.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import org.hibernate.annotations.Immutable;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;
import java.util.UUID;

/** An event already counted on a profile; {@code profileId} is the profile it first landed on. */
@Entity
@Table(name = "resolved_event")
@IdClass(ResolvedEvent.Key.class)
@Immutable
public class ResolvedEvent {

    @Id
    public String workspace;

    @Id
    @Column(name = "event_id")
    public String eventId;

    @Column(name = "profile_id", nullable = false)
    public UUID profileId;

    @Column(name = "new_profile", nullable = false)
    public boolean newProfile;

    @Column(name = "resolved_at", nullable = false)
    public Instant resolvedAt;

    /** Keys ({@code type:hex hash}) of the identifiers demoted when the event was resolved. */
    @Column(nullable = false)
    public String[] demoted;

    public static class Key implements Serializable {

        public String workspace;
        public String eventId;

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key && Objects.equals(workspace, key.workspace)
                    && Objects.equals(eventId, key.eventId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(workspace, eventId);
        }
    }
}
