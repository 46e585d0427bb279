package io.portrait.launcher.suite;

import java.util.EnumMap;
import java.util.Map;

/** Where each service and store listens. */
public record SuitePorts(Map<ServiceSpec, Integer> services, int postgres, int mongo) {

    /** The ports of the architecture: gateway 8080, ingestion 8081, identity 8082, ... */
    public static SuitePorts standard() {
        return fromBase(8080, 15432, 27018);
    }

    /**
     * A throw-away suite for a benchmark: services on 28080–28085, stores on any free port. Below Linux's ephemeral
     * range (32768–60999 by default) on purpose: a client that dials a service inside that range before it listens
     * can be given that very port as its own source port (a TCP self-connection), which then keeps the service from
     * binding it.
     */
    public static SuitePorts forBenchmarks() {
        return fromBase(28080, 0, 0);
    }

    /** Services on consecutive ports from {@code base}, in the order gateway, ingestion, identity, tagging, scoring, recommendation. */
    public static SuitePorts fromBase(int base, int postgres, int mongo) {
        Map<ServiceSpec, Integer> services = new EnumMap<>(ServiceSpec.class);
        services.put(ServiceSpec.GATEWAY, base);
        services.put(ServiceSpec.INGESTION, base + 1);
        services.put(ServiceSpec.IDENTITY, base + 2);
        services.put(ServiceSpec.TAGGING, base + 3);
        services.put(ServiceSpec.SCORING, base + 4);
        services.put(ServiceSpec.RECOMMENDATION, base + 5);
        return new SuitePorts(Map.copyOf(services), postgres, mongo);
    }

    public int of(ServiceSpec service) {
        return services.get(service);
    }

    public int of(String clientName) {
        return of(ServiceSpec.valueOf(clientName.toUpperCase(java.util.Locale.ROOT)));
    }
}
