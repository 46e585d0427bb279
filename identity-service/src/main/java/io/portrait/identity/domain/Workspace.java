package io.portrait.identity.domain;

/** Tenants: every request names one, and an empty name means the default tenant. */
public final class Workspace {

    public static final String DEFAULT = "default";

    private Workspace() {
    }

    public static String orDefault(String workspace) {
        return workspace == null || workspace.isBlank() ? DEFAULT : workspace.strip();
    }
}
