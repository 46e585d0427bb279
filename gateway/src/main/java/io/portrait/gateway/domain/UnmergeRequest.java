package io.portrait.gateway.domain;

/** Why a merge is split; kept in the merge history. */
public record UnmergeRequest(String reason) {
}
