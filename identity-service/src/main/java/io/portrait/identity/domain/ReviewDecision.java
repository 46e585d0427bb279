package io.portrait.identity.domain;

import io.portrait.identity.engine.GoldenTrait;

import java.util.List;

/**
 * A review as an operator sees it: the pair, and the golden person traits of each side now (empty for a side
 * erased since). {@code merge} is set when accepting it merged the pair.
 */
public record ReviewDecision(MatchReview review, List<GoldenTrait> profileTraits, List<GoldenTrait> candidateTraits,
                             Merge merge) {

    public ReviewDecision {
        profileTraits = List.copyOf(profileTraits);
        candidateTraits = List.copyOf(candidateTraits);
    }
}
