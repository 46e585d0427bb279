package io.portrait.gateway.service;

import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.function.Function;

/**
 * The one gate every answer carrying personal data passes: callers without pii:read get it masked; callers with
 * it get it in clear, and the read is audited before the answer leaves.
 */
@ApplicationScoped
public class PiiGuard {

    /** Who reads: the caller's workspace and actor, and whether it holds pii:read. */
    public record Reader(String workspace, String actor, boolean mayReadPii) {
    }

    private final AuditService audit;

    public PiiGuard(AuditService audit) {
        this.audit = audit;
    }

    /**
     * @param profileId the profile whose data it is (the audit target)
     * @param via       what was read, e.g. {@code GET /v1/profiles/{id}}
     * @param mask      the answer with every PII value masked
     */
    public <T> Uni<T> release(Reader reader, T answer, String profileId, String via, Function<T, T> mask) {
        if (!reader.mayReadPii()) {
            return Uni.createFrom().item(mask.apply(answer));
        }
        return audited(reader, answer, profileId, via);
    }

    /**
     * For an answer already built masked or in clear by the caller's right (e.g. a quarantined event, which has no
     * profile): a clear one is audited before it leaves.
     *
     * @param target what was read, the audit target (e.g. {@code quarantine:<id>})
     */
    public <T> Uni<T> audited(Reader reader, T answer, String target, String via) {
        if (!reader.mayReadPii()) {
            return Uni.createFrom().item(answer);
        }
        return audit.record(reader.workspace(), reader.actor(), AuditService.PII_READ, target, Map.of("via", via))
                .replaceWith(answer);
    }
}
