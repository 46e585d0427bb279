package io.portrait.identity.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.Immutable;

import java.time.Instant;
import java.util.UUID;

/**
 * A profile row. Read through Hibernate; written only by the resolver's locking SQL
 * ({@link io.portrait.identity.repository.IdentityGraphRepository}), hence immutable here.
 */
@Entity
@Table(name = "profile")
@Immutable
public class Profile {

    @Id
    public UUID id;

    @Column(nullable = false)
    public String workspace;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    /** The live survivor this profile was merged into; null while the profile is live. */
    @Column(name = "merged_into")
    public UUID mergedInto;

    @Column(name = "merged_at")
    public Instant mergedAt;

    @Column(name = "first_seen")
    public Instant firstSeen;

    @Column(name = "last_seen")
    public Instant lastSeen;

    @Column(name = "event_count", nullable = false)
    public long eventCount;

    @Column(nullable = false)
    public String[] channels;

    public boolean isLive() {
        return mergedInto == null;
    }
}
