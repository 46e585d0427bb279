package io.portrait.gateway.domain;

import java.util.List;

/** After an unmerge: the profile that held the merged ones, and the profiles brought back. */
public record UnmergeView(ProfileView survivor, List<ProfileView> restored) {

    /** As a caller without pii:read sees it: every profile masked. */
    public UnmergeView masked() {
        return new UnmergeView(survivor.masked(), restored.stream().map(ProfileView::masked).toList());
    }
}
