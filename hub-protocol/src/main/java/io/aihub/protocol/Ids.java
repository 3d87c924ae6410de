package io.aihub.protocol;

import java.security.SecureRandom;
import java.util.HexFormat;
import java.util.Locale;
import java.util.UUID;
import java.util.regex.Pattern;

/** Identifier formats of the protocol: {@code task-<uuid>}, {@code step-<uuid>}, DIDs and account addresses. */
public final class Ids {
    private static final SecureRandom RANDOM = new SecureRandom();
    private static final String UUID_TEXT =
            "[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}";
    /** Also matches Python's {@code generate_step_id()}, which yields {@code step-$<uuid>}. */
    private static final Pattern STEP_ID = Pattern.compile("step-\\$?(" + UUID_TEXT + ")");

    private static final Pattern DID = Pattern.compile("did:nv:[0-9a-f]{64}");
    private static final Pattern ADDRESS = Pattern.compile("0x[0-9a-fA-F]{40}");

    private Ids() {}

    public static String newTaskId() {
        return "task-" + UUID.randomUUID();
    }

    /** Random (version 4) UUID: the TypeScript SDK rejects step ids whose UUID it cannot validate. */
    public static String newStepId() {
        return "step-" + UUID.randomUUID();
    }

    public static String newLogId() {
        return "tl-" + UUID.randomUUID();
    }

    public static String newDid() {
        return "did:nv:" + randomHex(32);
    }

    public static String newAddress() {
        return "0x" + randomHex(20);
    }

    public static String newKeyId() {
        return "key-" + UUID.randomUUID();
    }

    /**
     * Canonical form of a client-supplied step id: {@code step-<lower-case uuid>}, with Python's stray
     * {@code $} removed. Returns null when the value is not a step id at all.
     */
    public static String canonicalStepId(String value) {
        if (value == null) {
            return null;
        }
        var match = STEP_ID.matcher(value);
        return match.matches() ? "step-" + match.group(1).toLowerCase(Locale.ROOT) : null;
    }

    public static boolean isDid(String value) {
        return value != null && DID.matcher(value).matches();
    }

    public static boolean isAddress(String value) {
        return value != null && ADDRESS.matcher(value).matches();
    }

    private static String randomHex(int bytes) {
        byte[] buffer = new byte[bytes];
        RANDOM.nextBytes(buffer);
        return HexFormat.of().formatHex(buffer);
    }
}
