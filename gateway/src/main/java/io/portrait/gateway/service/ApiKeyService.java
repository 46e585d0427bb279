package io.portrait.gateway.service;

import io.portrait.gateway.config.GatewayConfig;
import io.portrait.gateway.domain.ApiKey;
import io.portrait.gateway.domain.ApiKeyRequest;
import io.portrait.gateway.domain.IssuedApiKey;
import io.portrait.gateway.engine.ApiKeySecrets;
import io.portrait.gateway.engine.Scope;
import io.portrait.gateway.repository.ApiKeyRepository;
import io.quarkus.logging.Log;
import io.quarkus.runtime.StartupEvent;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

import java.security.SecureRandom;
import java.time.Clock;
import java.util.Arrays;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

/**
 * API keys: issued with a workspace and scopes, verified on every request, rotated and revoked by key admins.
 * Verified keys are cached for a few seconds so a request costs no database round trip; rotating or revoking a
 * key drops it from this replica's cache at once (other replicas within the cache TTL).
 */
@ApplicationScoped
public class ApiKeyService {

    /** Why a create or change was refused; the resource turns these into problems. */
    public static class InvalidKeyRequest extends RuntimeException {
        public InvalidKeyRequest(String message) {
            super(message, null, false, false);
        }
    }

    public static class ForbiddenWorkspace extends RuntimeException {
        public ForbiddenWorkspace(String message) {
            super(message, null, false, false);
        }
    }

    /** A key may not grant a scope its creator does not hold. */
    public static class ForbiddenScopes extends RuntimeException {
        public ForbiddenScopes(String message) {
            super(message, null, false, false);
        }
    }

    private record Cached(Optional<ApiKey> key, long until) {
    }

    private static final int MAX_NAME = 100;
    private static final int MAX_RATE = 100_000;

    private final ApiKeyRepository keys;
    private final AuditService audit;
    private final GatewayConfig config;
    private final ApiKeySecrets secrets = new ApiKeySecrets(new SecureRandom());
    private final Map<String, Cached> cache = new ConcurrentHashMap<>();
    private final Clock clock = Clock.systemUTC();

    public ApiKeyService(ApiKeyRepository keys, AuditService audit, GatewayConfig config) {
        this.keys = keys;
        this.audit = audit;
        this.config = config;
    }

    /** Keeps the configured admin key (if any) in the store, holding every scope. */
    void bootstrap(@Observes StartupEvent started) {
        config.adminKey().ifPresent(token -> {
            ApiKeySecrets.Token parsed = ApiKeySecrets.parse(token.strip()).orElseThrow(() ->
                    new IllegalStateException("portrait.gateway.admin-key is not a Portrait API key (ptk_...)"));
            keys.upsert(new ApiKey(parsed.keyId(), config.defaultWorkspace(), "admin",
                            Arrays.stream(Scope.values()).map(Scope::value).toList(), null,
                            ApiKeySecrets.hash(parsed.secret()), clock.instant(), "configuration", null, null))
                    .await().indefinitely();
            Log.infof("admin key %s of workspace %s is configured (active unless revoked)", parsed.keyId(),
                    config.defaultWorkspace());
        });
    }

    /** The active key behind a presented token, or empty (unknown, revoked, or wrong secret). */
    public Uni<Optional<ApiKey>> verify(String token) {
        Optional<ApiKeySecrets.Token> parsed = ApiKeySecrets.parse(token);
        if (parsed.isEmpty()) {
            return Uni.createFrom().item(Optional.empty());
        }
        ApiKeySecrets.Token presented = parsed.get();
        return load(presented.keyId())
                .map(found -> found.filter(key -> key.active()
                        && ApiKeySecrets.matches(presented.secret(), key.secretHash())));
    }

    private Uni<Optional<ApiKey>> load(String keyId) {
        long now = System.nanoTime();
        Cached cached = cache.get(keyId);
        if (cached != null && cached.until() - now > 0) {
            return Uni.createFrom().item(cached.key());
        }
        return keys.find(keyId).invoke(found -> {
            if (cache.size() > 100_000) {
                cache.clear();
            }
            cache.put(keyId, new Cached(found, now + config.keyCacheTtl().toNanos()));
        });
    }

    /**
     * @param callerScopes the scopes the creating caller holds: the new key gets at most those, so keys:admin alone
     *                     cannot make a key that reads PII or erases profiles
     */
    public Uni<IssuedApiKey> create(String callerWorkspace, String actor, Set<String> callerScopes,
                                    ApiKeyRequest request) {
        if (request == null) {
            throw new InvalidKeyRequest("The body must be a key request with \"name\" and \"scopes\".");
        }
        String name = request.name() == null ? "" : request.name().strip();
        if (name.isEmpty() || name.length() > MAX_NAME) {
            throw new InvalidKeyRequest("\"name\" is required, at most " + MAX_NAME + " characters.");
        }
        List<String> scopes = scopes(request.scopes());
        List<String> notHeld = scopes.stream().filter(scope -> !callerScopes.contains(scope)).toList();
        if (!notHeld.isEmpty()) {
            throw new ForbiddenScopes("A key may grant only scopes its creator holds; this caller does not hold "
                    + String.join(", ", notHeld) + ".");
        }
        if (request.rateLimit() != null && (request.rateLimit() < 1 || request.rateLimit() > MAX_RATE)) {
            throw new InvalidKeyRequest("\"rateLimit\" must be between 1 and " + MAX_RATE + " requests per second.");
        }
        String workspace = request.workspace() == null ? callerWorkspace : request.workspace().strip();
        if (workspace.isEmpty() || workspace.length() > MAX_NAME || !workspace.matches("[A-Za-z0-9_.-]+")) {
            throw new InvalidKeyRequest("\"workspace\" must be letters, digits, '_', '-' or '.', at most "
                    + MAX_NAME + " characters.");
        }
        if (!workspace.equals(callerWorkspace) && !callerWorkspace.equals(config.defaultWorkspace())) {
            throw new ForbiddenWorkspace("Keys of workspace \"" + callerWorkspace
                    + "\" may create keys only for their own workspace.");
        }
        ApiKeySecrets.Token token = secrets.newToken(secrets.newKeyId());
        ApiKey key = new ApiKey(token.keyId(), workspace, name, scopes, request.rateLimit(),
                ApiKeySecrets.hash(token.secret()), clock.instant(), actor, null, null);
        return keys.insert(key)
                .call(() -> audit.record(workspace, actor, AuditService.KEY_CREATED, key.id(),
                        Map.of("name", name, "scopes", scopes, "byWorkspace", callerWorkspace)))
                .replaceWith(new IssuedApiKey(key, token.value()));
    }

    public Uni<List<ApiKey>> list(String workspace) {
        return keys.list(workspace);
    }

    public Uni<Optional<ApiKey>> get(String workspace, String keyId) {
        return keys.find(workspace, keyId);
    }

    /** A new secret for the key; the old one stops working at once. Empty when the workspace has no such active key. */
    public Uni<Optional<IssuedApiKey>> rotate(String workspace, String actor, String keyId) {
        ApiKeySecrets.Token token = secrets.newToken(keyId);
        return keys.rotate(workspace, keyId, ApiKeySecrets.hash(token.secret()), clock.instant())
                .invoke(() -> cache.remove(keyId))
                .call(rotated -> rotated.isEmpty() ? Uni.createFrom().voidItem()
                        : audit.record(workspace, actor, AuditService.KEY_ROTATED, keyId, Map.of()))
                .map(rotated -> rotated.map(key -> new IssuedApiKey(key, token.value())));
    }

    public Uni<Optional<ApiKey>> revoke(String workspace, String actor, String keyId) {
        return keys.revoke(workspace, keyId, clock.instant())
                .invoke(() -> cache.remove(keyId))
                .call(revoked -> revoked.isEmpty() ? Uni.createFrom().voidItem()
                        : audit.record(workspace, actor, AuditService.KEY_REVOKED, keyId, Map.of()));
    }

    private static List<String> scopes(List<String> requested) {
        if (requested == null || requested.isEmpty()) {
            throw new InvalidKeyRequest("\"scopes\" must name at least one of " + known() + ".");
        }
        Set<String> scopes = new LinkedHashSet<>();
        for (String scope : requested) {
            if (scope == null || Scope.of(scope).isEmpty()) {
                throw new InvalidKeyRequest("Unknown scope \"" + scope + "\"; known scopes are " + known() + ".");
            }
            scopes.add(scope);
        }
        return List.copyOf(scopes);
    }

    private static String known() {
        return String.join(", ", Arrays.stream(Scope.values()).map(Scope::value).toList());
    }
}
