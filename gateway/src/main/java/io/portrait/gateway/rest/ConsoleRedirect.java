package io.portrait.gateway.rest;

import io.vertx.ext.web.Router;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;

/**
 * {@code /console} without its closing slash sends the browser to {@code /console/}, where the console's index is
 * served (docs/console.md): the address people type. Relative, so it holds behind a path prefix too.
 */
@ApplicationScoped
public class ConsoleRedirect {

    void routes(@Observes Router router) {
        router.getWithRegex("/console").handler(context -> context.response().setStatusCode(301)
                .putHeader("Location", "console/").end());
    }
}
