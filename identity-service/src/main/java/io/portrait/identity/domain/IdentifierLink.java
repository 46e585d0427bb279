package io.portrait.identity.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import org.hibernate.annotations.Immutable;

import java.time.Instant;
import java.util.UUID;

/** One identifier attached to a live profile: keyed hash to match on, ciphertext to display from. */
@Entity
@Table(name = "identifier")
@Immutable
public class IdentifierLink {

    @Id
    public Long id;

    @Column(nullable = false)
    public String workspace;

    @Column(nullable = false)
    public String type;

    @Column(name = "value_hash", nullable = false)
    public byte[] valueHash;

    @Column(name = "value_enc", nullable = false)
    public byte[] valueEnc;

    @Column(name = "profile_id", nullable = false)
    public UUID profileId;

    @Column(name = "created_at", nullable = false)
    public Instant createdAt;

    @Column(name = "first_event_id", nullable = false)
    public String firstEventId;
}
