package io.portrait.identity.domain;

import java.util.UUID;

/**
 * An identifier an unmerge took off a profile because the current rules forbid it there: its value is blocked now
 * ({@code blocked}), the profile holds an earlier value of a unique type ({@code unique}), or as many of the type as
 * its limit allows, seen earlier ({@code limit}). It is no longer matched; a later event carrying it resolves it anew.
 */
public record DetachedIdentifier(UUID profileId, IdentifierValue identifier, String reason) {
}
