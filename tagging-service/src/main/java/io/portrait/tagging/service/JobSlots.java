package io.portrait.tagging.service;

/**
 * The running slots of one replica's job runner ({@code portrait.tagging.max-running-jobs}). A start asked for while
 * every slot is taken is not dropped: it is remembered, and the next slot freed is handed to it. A job queued while
 * the runner was full (a publish made again after the job of a later one failed, say) then starts as soon as a pass
 * ends, not at the next poll, which may be far off or off altogether.
 */
final class JobSlots {

    private final int max;
    private int taken;
    private boolean asked;

    JobSlots(int max) {
        this.max = max;
    }

    /** Takes a slot; false when every one is taken, and the next one freed is then handed on ({@link #release}). */
    synchronized boolean take() {
        if (taken < max) {
            taken++;
            return true;
        }
        asked = true;
        return false;
    }

    /**
     * Gives the caller's slot back, or hands it on: true when a start was asked for while every slot was taken,
     * and the caller is to look for a job at once in the slot it keeps.
     */
    synchronized boolean release() {
        if (asked) {
            asked = false;
            return true;
        }
        taken--;
        return false;
    }
}
