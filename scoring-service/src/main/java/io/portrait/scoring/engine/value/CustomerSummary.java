package io.portrait.scoring.engine.value;

import io.portrait.scoring.engine.clv.RepeatHistory;

/**
 * What a scoring run reads of one customer as of its day (see {@link PopulationScorer#summarize}): the BG/NBD
 * history (null without a purchase day), recency in days, frequency in purchase days, net spend and engagement. A
 * handful of numbers per customer, where their order days are a map each: a refit reads the orders a page of
 * customers at a time and keeps only these.
 */
public record CustomerSummary(String profileId, RepeatHistory history, double recencyDays, double frequency,
                              double monetary, double engagement) {
}
