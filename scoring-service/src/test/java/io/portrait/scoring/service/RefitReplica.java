package io.portrait.scoring.service;

import io.portrait.common.money.WorkspaceCurrencies;
import io.portrait.scoring.client.TaggingClient;
import io.portrait.scoring.repository.ModelVersionWriter;
import io.portrait.scoring.repository.ScoreRepository;

import static io.portrait.scoring.config.SettingChecksTest.config;

/** Another replica's refits, inside the test JVM and on the same store: the service as CDI builds it. */
public final class RefitReplica {

    private RefitReplica() {
    }

    /**
     * A replica with the defaults and these settings (alternating keys and values), running {@code fitStarting}
     * on its fit's thread as each fit starts, with the fit's lease renewals already running.
     */
    public static ScoreService withFitStarting(ScoreRepository scores, ModelVersionWriter versions,
                                               TaggingClient tagging, WorkspaceCurrencies currencies,
                                               Runnable fitStarting, String... settings) {
        return new ScoreService(scores, versions, tagging, config(settings), currencies, fitStarting);
    }
}
