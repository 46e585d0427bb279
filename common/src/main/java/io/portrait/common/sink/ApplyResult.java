package io.portrait.common.sink;

/** How many events of a batch were applied now and how many had been applied before. */
public record ApplyResult(int applied, int duplicates) {
}
