package io.aihub.server.cli;

/**
 * Text for a terminal from tenants' strings (names, outputs, log messages, the hub's error messages, which
 * may quote them): control characters, which a terminal would obey as escape sequences, and format
 * characters, which reorder what is shown (U+202E turns a line around), are written as {@code \\uXXXX}.
 */
final class TerminalText {
    private TerminalText() {}

    static String safe(String text) {
        StringBuilder safe = new StringBuilder(text.length());
        text.codePoints().forEach(c -> {
            int type = Character.getType(c);
            if (c == '\n') {
                safe.append("\\n");
            } else if (c == '\r') {
                safe.append("\\r");
            } else if (c == '\t') {
                safe.append("\\t");
            } else if (type == Character.CONTROL || type == Character.FORMAT) {
                safe.append(String.format("\\u%04x", c));
            } else {
                safe.appendCodePoint(c);
            }
        });
        return safe.toString();
    }
}
