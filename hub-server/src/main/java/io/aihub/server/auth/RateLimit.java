package io.aihub.server.auth;

/**
 * How many requests and socket events one API key may send: a token bucket of {@code burst} tokens
 * refilled at {@code perSecond}. Off (no limit) when {@code perSecond} is 0.
 */
public record RateLimit(int perSecond, int burst) {
    public static final RateLimit OFF = new RateLimit(0, 0);

    public RateLimit {
        if (perSecond < 0 || burst < 0 || (perSecond > 0 && burst < 1)) {
            throw new IllegalArgumentException("perSecond must be 0 (off) or positive, with a burst of at least 1");
        }
    }

    public boolean isOff() {
        return perSecond == 0;
    }
}
