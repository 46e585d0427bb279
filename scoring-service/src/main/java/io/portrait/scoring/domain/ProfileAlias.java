package io.portrait.scoring.domain;

import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;

import java.io.Serializable;
import java.util.Objects;

/** A profile merged away and the survivor that holds its data now. */
@Entity
@Table(name = "profile_alias")
@IdClass(ProfileAlias.Key.class)
public class ProfileAlias {

    @Id
    private String workspace;

    @Id
    @Column(name = "merged_id")
    private String mergedId;

    @Column(name = "survivor_id")
    private String survivorId;

    protected ProfileAlias() {
    }

    public String getWorkspace() {
        return workspace;
    }

    public String getMergedId() {
        return mergedId;
    }

    public String getSurvivorId() {
        return survivorId;
    }

    /** Primary key of {@link ProfileAlias}. */
    public static class Key implements Serializable {

        private String workspace;
        private String mergedId;

        public Key() {
        }

        public Key(String workspace, String mergedId) {
            this.workspace = workspace;
            this.mergedId = mergedId;
        }

        @Override
        public boolean equals(Object other) {
            return other instanceof Key key
                    && Objects.equals(workspace, key.workspace)
                    && Objects.equals(mergedId, key.mergedId);
        }

        @Override
        public int hashCode() {
            return Objects.hash(workspace, mergedId);
        }
    }
}
