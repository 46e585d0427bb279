package io.portrait.identity.domain;

import java.util.List;

/** One page of the review queue; {@code nextCursor} is null on the last page. */
public record ReviewPage(List<ReviewDecision> reviews, String nextCursor) {

    public ReviewPage {
        reviews = List.copyOf(reviews);
    }
}
