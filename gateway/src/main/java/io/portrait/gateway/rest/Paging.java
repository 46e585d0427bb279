package io.portrait.gateway.rest;

/**
 * Every list of the API pages alike: {@code limit} items per page, and {@code cursor}, the {@code next} of the page
 * before. Names some lists took before (pageSize and pageToken, after) are still read, the current name winning.
 */
final class Paging {

    /** The OpenAPI description of every list's {@code cursor}: one wording for one meaning. */
    static final String CURSOR = "The next of the previous page; the first page without one.";
    /**
     * The start of the OpenAPI description of every list's {@code limit}, followed by its largest value and its
     * default, e.g. {@code LIMIT + 500 + ", default 50."}: annotation values must be constants.
     */
    static final String LIMIT = "Items per page, 1 to ";
    /** The OpenAPI description of a paged list's 400 answer. */
    static final String BAD_PAGE = "limit out of range or a cursor this API did not give out.";

    private Paging() {
    }

    /** The page size asked for, {@code byDefault} when none; a 400 naming {@code limit} outside 1 to {@code max}. */
    static int limit(Integer limit, Integer formerName, int byDefault, int max) {
        int asked = limit != null ? limit : formerName != null ? formerName : byDefault;
        if (asked < 1 || asked > max) {
            throw ProblemException.invalidRequest("\"limit\" must be between 1 and " + max + ".");
        }
        return asked;
    }

    /** As {@link #limit(Integer, Integer, int, int)} for a list that never took another name. */
    static int limit(Integer limit, int byDefault, int max) {
        return limit(limit, null, byDefault, max);
    }

    static String cursor(String cursor, String formerName) {
        return cursor != null && !cursor.isEmpty() ? cursor : formerName;
    }
}
