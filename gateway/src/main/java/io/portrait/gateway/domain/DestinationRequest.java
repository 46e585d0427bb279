package io.portrait.gateway.domain;

import java.util.List;

/** A webhook destination to create: a unique name in the workspace, the URL to call, the segments it follows. */
public record DestinationRequest(String name, String url, List<String> segments) {
}
