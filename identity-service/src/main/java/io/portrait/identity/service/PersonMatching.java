package io.portrait.identity.service;

import io.portrait.identity.config.IdentityConfig;
import io.portrait.identity.engine.GoldenTrait;
import io.portrait.identity.engine.PersonTraits;
import io.portrait.identity.engine.ProbabilisticMatcher;
import io.portrait.identity.engine.Survivorship;
import io.portrait.identity.engine.TraitObservation;
import io.portrait.identity.engine.linkage.FellegiSunter;
import io.portrait.identity.engine.linkage.PersonRecord;
import io.portrait.identity.repository.PersonMatchRepository;
import io.smallrye.mutiny.Uni;
import io.vertx.mutiny.sqlclient.SqlClient;
import io.vertx.mutiny.sqlclient.SqlConnection;
import jakarta.enterprise.context.ApplicationScoped;

import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;

/**
 * Probabilistic matching on the resolver's transaction: the candidates of a new person (profiles sharing a
 * blocking key of their golden-record person traits) ranked by the Fellegi–Sunter model, and the upkeep of the
 * blocking-key index whenever a profile's golden record changes.
 */
@ApplicationScoped
public class PersonMatching {

    private final PersonMatchRepository store;
    private final PersonTraits personTraits;
    private final ProbabilisticMatcher matcher;
    private final Survivorship survivorship;
    private final IdentityConfig.Probabilistic config;

    public PersonMatching(PersonMatchRepository store, PersonTraits personTraits, ProbabilisticMatcher matcher,
                          Survivorship survivorship, IdentityConfig config) {
        this.store = store;
        this.personTraits = personTraits;
        this.matcher = matcher;
        this.survivorship = survivorship;
        this.config = config.probabilistic();
    }

    /** Whether an event's traits change what a profile is matched by. */
    public boolean describesAPerson(Map<String, String> traits) {
        return personTraits.describesAPerson(traits);
    }

    /**
     * The live profiles the person the traits describe may be, at or above the lower threshold, best first;
     * empty when matching is off or the traits describe nobody.
     */
    public Uni<List<ProbabilisticMatcher.Candidate>> candidates(SqlConnection tx, String workspace,
                                                                Map<String, String> traits) {
        if (!config.enabled() || !personTraits.describesAPerson(traits)) {
            return Uni.createFrom().item(List.of());
        }
        PersonRecord person = personTraits.record("event", traits);
        return store.findCandidates(tx, workspace, FellegiSunter.blockingKeys(person), config.maxCandidates())
                .flatMap(ids -> records(tx, workspace, ids))
                .map(records -> matcher.rank(person, records).stream()
                        .filter(candidate -> candidate.decision() != FellegiSunter.Decision.NON_MATCH)
                        .toList());
    }

    /** Re-derives a profile's blocking keys from its golden record; the caller holds the profile's lock. */
    public Uni<Void> refresh(SqlConnection tx, String workspace, UUID profileId) {
        return records(tx, workspace, List.of(profileId)).flatMap(records -> {
            PersonRecord person = records.get(profileId);
            return store.replaceBlocks(tx, workspace, profileId,
                    person == null ? List.of() : FellegiSunter.blockingKeys(person));
        });
    }

    /** The golden person traits (trait name to value) of each profile that has any. */
    public Uni<Map<UUID, List<GoldenTrait>>> personTraits(SqlClient client, String workspace, Collection<UUID> ids) {
        return store.listObservations(client, workspace, ids, personTraits.traitNames()).map(observations -> {
            Map<UUID, List<GoldenTrait>> golden = new HashMap<>();
            observations.forEach((id, list) -> golden.put(id, survivorship.golden(list)));
            return golden;
        });
    }

    private Uni<Map<UUID, PersonRecord>> records(SqlClient client, String workspace, Collection<UUID> ids) {
        return store.listObservations(client, workspace, ids, personTraits.traitNames()).map(observations -> {
            Map<UUID, PersonRecord> records = new HashMap<>();
            for (Map.Entry<UUID, List<TraitObservation>> entry : observations.entrySet()) {
                Map<String, String> values = PersonTraits.values(survivorship.golden(entry.getValue()));
                if (personTraits.describesAPerson(values)) {
                    records.put(entry.getKey(), personTraits.record(entry.getKey().toString(), values));
                }
            }
            return records;
        });
    }
}
