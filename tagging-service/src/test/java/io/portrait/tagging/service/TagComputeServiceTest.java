package io.portrait.tagging.service;

import io.portrait.tagging.domain.StoredTagValue;
import io.portrait.tagging.domain.TagDefinition;
import io.portrait.tagging.domain.TagVersionRow;
import io.portrait.tagging.repository.ProfileStateRepository;
import io.portrait.tagging.repository.TagValueRepository;
import io.portrait.tagging.repository.TaxonomyRepository;
import io.smallrye.mutiny.Uni;
import org.junit.jupiter.api.Test;

import java.time.Instant;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.Set;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The order of a computation's reads, against stores that record it. A page writes a value only where the stored
 * row is still as it read it; that guard keeps a newer real-time value only if the stored values are read before
 * the traits and events the page computes from: read after them, a real-time update committing in between would
 * be read as the guard's reference, and the page's value, computed from the older events, would replace it.
 */
class TagComputeServiceTest {

    private final List<String> reads = new ArrayList<>();

    private final TaxonomyRepository taxonomy = new TaxonomyRepository() {
        @Override
        public Uni<List<TagDefinition>> definitions(String workspace, String categoryCode, String status) {
            return Uni.createFrom().item(List.of(new TagDefinition("parisian", "Parisian", "", "crm", "geo", "rule",
                    "string", "real_time", TagDefinition.PUBLISHED, 1, 1, null, null)));
        }

        @Override
        public Uni<List<TagVersionRow>> computableVersions(String workspace) {
            return Uni.createFrom().item(List.of(new TagVersionRow("parisian", 1, """
                    {"kind": "rule", "values": [{"value": "yes", "when": "trait.city = \\"Paris\\""}]}""", null,
                    Instant.EPOCH, Instant.EPOCH)));
        }
    };

    private final TagValueRepository values = new TagValueRepository() {
        @Override
        public Uni<List<StoredTagValue>> forProfiles(String workspace, Collection<String> profileIds) {
            return Uni.createFrom().item(() -> {
                reads.add("stored values");
                return List.of();
            });
        }

        @Override
        public Uni<Integer> apply(String workspace, List<Change> changes) {
            reads.add("write");
            return Uni.createFrom().item(changes.size());
        }
    };

    private final ProfileStateRepository states = new ProfileStateRepository() {
        @Override
        public Uni<Map<String, ProfileData>> load(String workspace, Set<String> profileIds) {
            return Uni.createFrom().item(() -> {
                reads.add("traits and events");
                return Map.of("p1", new ProfileData(Map.of("city", "Paris"), null, List.of()));
            });
        }
    };

    @Test
    void theStoredValuesAreReadBeforeWhatTheValuesAreComputedFrom() {
        TagComputeService compute = new TagComputeService(taxonomy, values, states, new TagCompiler(), null);

        int written = compute.refreshProfiles("ws", Set.of("p1"), Set.of(), true, true).await().indefinitely();

        assertThat(written).isEqualTo(1);
        assertThat(reads).containsExactly("stored values", "traits and events", "write");
    }
}
