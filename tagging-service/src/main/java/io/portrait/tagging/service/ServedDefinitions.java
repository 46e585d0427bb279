package io.portrait.tagging.service;

import io.portrait.tagging.config.TaggingConfig;
import io.portrait.tagging.domain.TagDefinition;
import io.portrait.tagging.engine.ExpiringCache;
import io.portrait.tagging.repository.ProfilePortraitRepository;
import io.smallrye.mutiny.Uni;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The served tag definitions of each workspace by code, kept in memory: every profile read needs them, and they
 * change only when a tag is revised, published, made live by its recompute or retired. This replica forgets a
 * workspace's definitions as soon as such a change commits here; a change committed by another replica is seen
 * within {@code portrait.tagging.definition-cache-ttl}.
 */
@ApplicationScoped
public class ServedDefinitions {

    private final ExpiringCache<String, Map<String, TagDefinition>> cache;

    ServedDefinitions(ProfilePortraitRepository repository, TaggingConfig config) {
        this.cache = new ExpiringCache<>(workspace -> repository.servedDefinitions(workspace)
                .map(definitions -> definitions.stream()
                        .collect(Collectors.toUnmodifiableMap(TagDefinition::code, Function.identity()))),
                config.definitionCacheTtl(), System::nanoTime);
    }

    /** The workspace's published, not retired definitions by code. */
    public Uni<Map<String, TagDefinition>> of(String workspace) {
        return cache.get(workspace);
    }

    /** Called after a change to the workspace's definitions has committed. */
    public void changed(String workspace) {
        cache.invalidate(workspace);
    }
}
