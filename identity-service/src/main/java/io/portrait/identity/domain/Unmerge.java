package io.portrait.identity.domain;

import java.util.List;

/** The profiles after an unmerge: the one that held the merged profiles, and the profiles brought back. */
public record Unmerge(ProfileView survivor, List<ProfileView> restored) {

    public Unmerge {
        restored = List.copyOf(restored);
    }
}
