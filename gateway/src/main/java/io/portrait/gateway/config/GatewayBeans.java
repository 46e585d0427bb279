package io.portrait.gateway.config;

import io.portrait.common.pii.PiiCipher;
import io.portrait.gateway.engine.DestinationAddress;
import io.portrait.gateway.engine.HostResolver;
import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/** Helpers built once from the gateway's configuration. */
@Singleton
public class GatewayBeans {

    @Produces
    @Singleton
    PiiCipher piiCipher(PiiConfig config) {
        return PiiCipher.fromBase64(config.hashKey(), config.encryptionKey());
    }

    /** How webhook destinations' hosts are looked up: the system's name service. */
    @Produces
    @Singleton
    @DefaultBean
    HostResolver hostResolver() {
        return HostResolver.SYSTEM;
    }

    @Produces
    @Singleton
    DestinationAddress destinationAddress(GatewayConfig config, HostResolver resolver) {
        return new DestinationAddress(config.destinations().allowHttp(), config.destinations().allowPrivateNetworks(),
                resolver);
    }
}
