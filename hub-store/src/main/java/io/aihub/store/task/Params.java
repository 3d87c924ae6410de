package io.aihub.store.task;

import java.util.Arrays;

/** Parameter lists shared by a query and its count. */
final class Params {
    private Params() {}

    static Object[] append(Object[] params, Object... more) {
        Object[] all = Arrays.copyOf(params, params.length + more.length);
        System.arraycopy(more, 0, all, params.length, more.length);
        return all;
    }
}
