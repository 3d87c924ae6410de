package io.aihub.server;

import java.util.Locale;
import java.util.Set;

/**
 * Admin tokens copied from examples (this project's compose file among them) or from {@code dev} mode, which
 * protect nothing.
 */
final class WellKnownTokens {
    private static final Set<String> EXAMPLES = Set.of(
            "change-me-admin-token",
            "changeme-admin-token",
            "admin-token-change-me",
            "secret-admin-token",
            DevCommand.ADMIN_TOKEN);

    private WellKnownTokens() {}

    static boolean isWellKnown(String token) {
        String lower = token.toLowerCase(Locale.ROOT);
        return EXAMPLES.contains(lower) || lower.contains("change-me") || lower.contains("changeme");
    }
}
