package io.aihub.protocol;

/**
 * Pagination of the search endpoints. {@code page} is 1-based; {@code offset} is the page size
 * (the SDKs pass both through without giving them a meaning).
 */
public record Paging(int page, int offset) {
    public static final int DEFAULT_SIZE = 100;
    public static final int MAX_SIZE = 1000;

    public Paging {
        if (page < 1) {
            throw ApiError.invalid("page", "must be an integer of at least 1 (pages count from 1), not " + page);
        }
        if (offset < 1 || offset > MAX_SIZE) {
            throw ApiError.invalid(
                    "offset", "is the page size and must be between 1 and " + MAX_SIZE + ", not " + offset);
        }
    }

    public static Paging of(Integer page, Integer offset) {
        return new Paging(page == null ? 1 : page, offset == null ? DEFAULT_SIZE : offset);
    }

    public long skip() {
        return (long) (page - 1) * offset;
    }
}
