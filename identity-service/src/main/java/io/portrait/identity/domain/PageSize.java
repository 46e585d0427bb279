package io.portrait.identity.domain;

/** The page size a list request asks for: 0 means the list's default, anything else must be within 1 and its most. */
public final class PageSize {

    private PageSize() {
    }

    /** The size to read; INVALID_ARGUMENT (on {@code limit}) for a negative one or one above {@code most}. */
    public static int of(int limit, int byDefault, int most) {
        if (limit == 0) {
            return byDefault;
        }
        if (limit < 1 || limit > most) {
            throw new InvalidRequestException("limit", "must be between 1 and " + most);
        }
        return limit;
    }
}
