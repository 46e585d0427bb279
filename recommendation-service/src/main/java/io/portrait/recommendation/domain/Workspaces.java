package io.portrait.recommendation.domain;

import io.portrait.common.sink.SinkRequests;

/**
 * Workspace naming shared by every request, checked as every sink checks it ({@link SinkRequests#workspace}):
 * trimmed, an empty workspace is the default tenant, and a name longer than an id may be is refused.
 */
public final class Workspaces {

    public static final String DEFAULT = SinkRequests.DEFAULT_WORKSPACE;

    private Workspaces() {
    }

    /** @throws io.portrait.common.sink.InvalidRequestException naming {@code workspace} when it is too long */
    public static String normalize(String workspace) {
        return SinkRequests.workspace(workspace == null ? "" : workspace);
    }
}
