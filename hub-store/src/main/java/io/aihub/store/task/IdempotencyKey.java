package io.aihub.store.task;

import io.aihub.protocol.ApiError;

/**
 * A client's {@code Idempotency-Key} for one creation, with the hash of its request: the same key from
 * the same caller within a day gets the first answer back; with another request, a 422.
 *
 * @param caller      the account that sent it (keys are the caller's own)
 * @param key         the header's value
 * @param requestHash a hash of what was asked (path and body), to tell a retry from another request
 */
public record IdempotencyKey(String caller, String key, String requestHash) {
    public static final int MAX_LENGTH = 255;

    public IdempotencyKey {
        if (key.isEmpty() || key.length() > MAX_LENGTH || !key.chars().allMatch(c -> c >= 0x20 && c < 0x7f)) {
            throw ApiError.invalid(
                    "Idempotency-Key", "must be 1 to " + MAX_LENGTH + " printable ASCII characters, such as a UUID");
        }
    }
}
