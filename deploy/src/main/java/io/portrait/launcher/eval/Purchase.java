package io.portrait.launcher.eval;

import java.time.Instant;

/** One purchased line of the Online Retail data: who bought which stock code, when, from which country. */
record Purchase(long customer, String sku, Instant at, String country) {
}
