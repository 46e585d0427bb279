package io.portrait.recommendation.domain;

/** Workspace naming shared by every request: an empty workspace is the default tenant. */
public final class Workspaces {

    public static final String DEFAULT = "default";

    private Workspaces() {
    }

    public static String normalize(String workspace) {
        return workspace == null || workspace.isBlank() ? DEFAULT : workspace.trim();
    }
}
