package io.portrait.gateway.config;

import io.portrait.common.pii.PiiCipher;
import io.portrait.gateway.engine.DestinationAddress;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

import java.net.http.HttpClient;

/** Helpers built once from the gateway's configuration. */
@Singleton
public class GatewayBeans {

    @Produces
    @Singleton
    PiiCipher piiCipher(PiiConfig config) {
        return PiiCipher.fromBase64(config.hashKey(), config.encryptionKey());
    }

    @Produces
    @Singleton
    DestinationAddress destinationAddress(GatewayConfig config) {
        return new DestinationAddress(config.destinations().allowHttp(), config.destinations().allowPrivateNetworks());
    }

    /**
     * The client webhook calls go out on: never follows a redirect (a receiver could send the call on to an address
     * the destination's checks refused), HTTP/1.1 as most receivers speak it.
     */
    @Produces
    @Singleton
    HttpClient webhookClient(GatewayConfig config) {
        return HttpClient.newBuilder().followRedirects(HttpClient.Redirect.NEVER).version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(config.destinations().timeout()).build();
    }
}
