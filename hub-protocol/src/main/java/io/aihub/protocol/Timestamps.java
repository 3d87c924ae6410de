package io.aihub.protocol;

/** The one timestamp format on the wire: ISO-8601 in UTC with milliseconds, as JavaScript prints dates. */
public final class Timestamps {
    public static final String PATTERN = "yyyy-MM-dd'T'HH:mm:ss.SSS'Z'";

    private Timestamps() {}
}
