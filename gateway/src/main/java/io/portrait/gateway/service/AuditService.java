package io.portrait.gateway.service;

import io.portrait.gateway.domain.AuditEntry;
import io.portrait.gateway.domain.Page;
import io.portrait.gateway.repository.AuditRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.time.Clock;
import java.util.List;
import java.util.Map;

/** Records every PII read and every admin change, and lists them for privacy admins. */
@ApplicationScoped
public class AuditService {

    public static final String PII_READ = "pii.read";
    public static final String KEY_CREATED = "key.created";
    public static final String KEY_ROTATED = "key.rotated";
    public static final String KEY_REVOKED = "key.revoked";

    private final AuditRepository audit;
    private final Clock clock;

    public AuditService(AuditRepository audit) {
        this.audit = audit;
        this.clock = Clock.systemUTC();
    }

    /** Completes once the entry is stored, so an audited action never answers before its trace exists. */
    public Uni<Void> record(String workspace, String actor, String action, String target, Map<String, Object> detail) {
        return audit.append(workspace, clock.instant(), actor, action, target, detail);
    }

    public Uni<Page<AuditEntry>> list(String workspace, String action, String target, String actor, Long before,
                                      int limit) {
        return audit.list(new AuditRepository.Query(workspace, action, target, actor, before, limit + 1))
                .map(entries -> {
                    if (entries.size() <= limit) {
                        return new Page<>(entries, null);
                    }
                    List<AuditEntry> page = entries.subList(0, limit);
                    return new Page<>(List.copyOf(page), String.valueOf(page.get(limit - 1).id()));
                });
    }
}
