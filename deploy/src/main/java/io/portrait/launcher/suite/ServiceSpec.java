package io.portrait.launcher.suite;

import java.util.List;

/** The six services of the suite: the module that builds each, the store it owns and the services it calls. */
public enum ServiceSpec {
    IDENTITY("identity-service", Store.POSTGRES, "identity", List.of()),
    TAGGING("tagging-service", Store.POSTGRES, "tagging", List.of()),
    SCORING("scoring-service", Store.POSTGRES, "scoring", List.of("tagging")),
    RECOMMENDATION("recommendation-service", Store.MONGO, "recommendation", List.of("tagging")),
    INGESTION("ingestion-service", Store.MONGO, "ingestion", List.of("identity", "tagging", "scoring", "recommendation")),
    GATEWAY("gateway", Store.POSTGRES, "gateway", List.of("ingestion", "identity", "tagging", "scoring", "recommendation"));

    public enum Store { POSTGRES, MONGO, NONE }

    private final String module;
    private final Store store;
    private final String database;
    private final List<String> calls;

    ServiceSpec(String module, Store store, String database, List<String> calls) {
        this.module = module;
        this.store = store;
        this.database = database;
        this.calls = calls;
    }

    public String module() {
        return module;
    }

    public Store store() {
        return store;
    }

    public String database() {
        return database;
    }

    /** gRPC client names this service configures, each named after the service it reaches. */
    public List<String> calls() {
        return calls;
    }
}
