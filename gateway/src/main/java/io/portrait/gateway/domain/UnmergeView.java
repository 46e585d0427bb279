package io.portrait.gateway.domain;

import java.util.List;

/**
 * After an unmerge: the profile that held the merged ones, the profiles brought back, and the identifiers taken off
 * either side because the current rules forbid them there.
 */
public record UnmergeView(ProfileView survivor, List<ProfileView> restored, List<DetachedView> detached) {

    /**
     * An identifier detached from a profile by the unmerge, and why: {@code blocked} (the value is blocked now),
     * {@code unique} (the profile holds an earlier value of a unique type) or {@code limit} (it holds as many of the
     * type as its limit allows, seen earlier).
     */
    public record DetachedView(String profileId, ProfileView.IdentifierView identifier, String reason) {

        public DetachedView masked() {
            return new DetachedView(profileId, identifier.masked(), reason);
        }
    }

    /** As a caller without pii:read sees it: every profile and detached identifier masked. */
    public UnmergeView masked() {
        return new UnmergeView(survivor.masked(), restored.stream().map(ProfileView::masked).toList(),
                detached.stream().map(DetachedView::masked).toList());
    }
}
