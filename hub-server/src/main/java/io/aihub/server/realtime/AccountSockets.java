package io.aihub.server.realtime;

import java.util.concurrent.ConcurrentHashMap;

/** How many sockets each account holds open on this node, so that no account can take them all. */
final class AccountSockets {
    private final int perAccount;
    private final ConcurrentHashMap<String, Integer> open = new ConcurrentHashMap<>();

    AccountSockets(int perAccount) {
        this.perAccount = perAccount;
    }

    /** Counts one more socket of the account; false (and nothing counted) if it holds the most it may. */
    boolean admit(String address) {
        boolean[] admitted = {false};
        open.compute(address, (account, count) -> {
            int now = count == null ? 0 : count;
            admitted[0] = now < perAccount;
            return admitted[0] ? now + 1 : (count == null ? null : count);
        });
        return admitted[0];
    }

    void release(String address) {
        open.computeIfPresent(address, (account, count) -> count > 1 ? count - 1 : null);
    }

    int limit() {
        return perAccount;
    }
}
