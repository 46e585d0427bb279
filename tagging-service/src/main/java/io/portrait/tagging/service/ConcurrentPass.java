package io.portrait.tagging.service;

import io.portrait.tagging.service.RecomputeJobs.Lease;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * Where a pass computing several pages at once stands: the pages handed out in order, which of them committed, and
 * so how far the pass got <em>in order</em>. The jobs' checkpoint may only move to the end of a prefix of committed
 * pages: a replica resuming after it must not skip a page that was still in flight. Pages commit on several
 * connections, so the methods are synchronized.
 */
final class ConcurrentPass {

    /** A page: its position in the pass, its ids, and the profiles done once it and those before it committed. */
    record Page(long index, List<String> ids, long doneAtEnd) {

        String lastId() {
            return ids.get(ids.size() - 1);
        }
    }

    /** The jobs' progress: profiles done and the last profile id of the pages committed in order. */
    record Progress(long done, String checkpoint) {
    }

    /** Handed-out pages not yet part of the committed prefix, oldest first. */
    private final Deque<Page> pending = new ArrayDeque<>();
    /** Pending pages whose transaction committed (ahead of an earlier one still in flight). */
    private final Set<Long> committedPages = new HashSet<>();
    private final Lease start;
    private Progress committed;
    private String after;
    private long handedOut;
    private long done;
    private Throwable failure;

    ConcurrentPass(Lease start) {
        this.start = start;
        this.committed = new Progress(start.done(), start.checkpoint());
        this.after = start.checkpoint();
        this.done = start.done();
    }

    /** Where the next page starts (exclusive). */
    synchronized String after() {
        return after;
    }

    /** The next page of the pass: these ids, read after {@link #after()}. */
    synchronized Page handOut(List<String> ids) {
        done += ids.size();
        Page page = new Page(handedOut++, ids, done);
        after = page.lastId();
        pending.addLast(page);
        return page;
    }

    /**
     * The progress to record in {@code page}'s transaction: through the page itself, and the pages after it that
     * committed already, when every page before it has committed; otherwise through the committed prefix (which
     * the page's commit does not extend).
     */
    synchronized Progress committedThrough(Page page) {
        Progress through = committed;
        for (Page earlier : pending) {
            if (earlier != page && !isCommitted(earlier)) {
                break;
            }
            through = new Progress(earlier.doneAtEnd(), earlier.lastId());
        }
        return through;
    }

    private boolean isCommitted(Page page) {
        return committedPages.contains(page.index());
    }

    /** {@code page}'s transaction committed. */
    synchronized void committed(Page page) {
        committedPages.add(page.index());
        while (!pending.isEmpty() && isCommitted(pending.peekFirst())) {
            Page head = pending.removeFirst();
            committedPages.remove(head.index());
            committed = new Progress(head.doneAtEnd(), head.lastId());
        }
    }

    synchronized void fail(Throwable cause) {
        if (failure == null) {
            failure = cause;
        }
    }

    synchronized boolean failed() {
        return failure != null;
    }

    /** Fails with the first page's failure, if one failed. */
    synchronized void rethrow() {
        if (failure instanceof RuntimeException runtime) {
            throw runtime;
        }
        if (failure != null) {
            throw new IllegalStateException(failure);
        }
    }

    /** The lease at the end of every page handed out (all committed). */
    synchronized Lease end() {
        return new Lease(start.jobs(), start.tags(), after, done);
    }
}
