package io.portrait.tagging.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.time.Instant;
import java.util.Objects;

/** One behaviour counter row. Written only by upserts in the repository; read through Panache. */
@Entity
@Table(name = "event_counter")
@IdClass(EventCounter.Key.class)
public class EventCounter {

    @Id
    private String workspace;

    @Id
    @Column(name = "profile_id")
    private String profileId;

    @Id
    private String name;

    @Column(name = "event_count")
    private long eventCount;

    @Column(name = "first_at")
    private Instant firstAt;

    @Column(name = "last_at")
    private Instant lastAt;

    protected EventCounter() {
    }

    public String getWorkspace() {
        return workspace;
    }

    public String getProfileId() {
        return profileId;
    }

    public String getName() {
        return name;
    }

    public long getEventCount() {
        return eventCount;
    }

    public Instant getFirstAt() {
        return firstAt;
    }

    public Instant getLastAt() {
        return lastAt;
    }

    /** Primary key of {@link EventCounter}. */
    public static class Key implements Serializable {

        private String workspace;
        private String profileId;
        private String name;

        public Key() {
        }

        public Key(String workspace, String profileId, String name) {
            this.workspace = workspace;
            this.profileId = profileId;
            this.name = name;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key
                    && Objects.equals(workspace, key.workspace)
                    && Objects.equals(profileId, key.profileId)
                    && Objects.equals(name, key.name);
        }

        @Override
        public int hashCode() {
            return Objects.hash(workspace, profileId, name);
        }
    }
}
