package io.portrait.identity.domain;

import java.util.List;

/**
 * The profiles after an unmerge: the one that held the merged profiles, the profiles brought back, and the
 * identifiers the current rules took off either side.
 */
public record Unmerge(ProfileView survivor, List<ProfileView> restored, List<DetachedIdentifier> detached) {

    public Unmerge {
        restored = List.copyOf(restored);
        detached = List.copyOf(detached);
    }
}
