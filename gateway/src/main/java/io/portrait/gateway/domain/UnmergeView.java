package io.portrait.gateway.domain;

import java.util.List;

/** After an unmerge: the profile that held the merged ones, and the profiles brought back. */
public record UnmergeView(ProfileView survivor, List<ProfileView> restored) {
}
