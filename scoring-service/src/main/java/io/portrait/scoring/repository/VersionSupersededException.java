package io.portrait.scoring.repository;

/**
 * A model version's save was overtaken: a newer refit of the workspace stored a version of its own (this refit's
 * lease had run out and another replica took the workspace over), so this one stops rather than be served over it.
 */
public class VersionSupersededException extends RuntimeException {

    public VersionSupersededException(String workspace, int version) {
        super("model version v" + version + " of workspace " + workspace + " was superseded by a newer refit",
                null, false, false);
    }
}
