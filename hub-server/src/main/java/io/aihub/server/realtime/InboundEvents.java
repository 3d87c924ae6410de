package io.aihub.server.realtime;

import io.aihub.protocol.ApiError;
import io.aihub.protocol.Paging;
import io.aihub.protocol.ProtocolEvent;
import io.aihub.protocol.SocketPayloads.EmitSteps;
import io.aihub.protocol.SocketPayloads.JoinRooms;
import io.aihub.protocol.SocketPayloads.JoinTasks;
import io.aihub.protocol.SocketPayloads.NewTaskLog;
import io.aihub.protocol.SocketPayloads.RoomsJoined;
import io.aihub.protocol.SocketPayloads.TasksJoined;
import io.aihub.protocol.StepRecord;
import io.aihub.protocol.TaskLogRecord;
import io.aihub.protocol.TaskUpdated;
import io.aihub.server.auth.Caller;
import io.aihub.store.agent.AgentStore;
import io.aihub.store.task.StepStore;
import io.aihub.store.task.TaskHistory;
import io.aihub.store.task.TaskStore;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.BiConsumer;
import java.util.function.BiFunction;
import java.util.function.Function;
import java.util.function.Supplier;

/**
 * What a socket may ask, each answered to that socket only. Joins are limited to what the caller
 * owns or created; what it may not join is named in an {@code error} event and never joined.
 */
final class InboundEvents {
    /** Tasks whose history is read in one statement (and held in memory together) while a join replays. */
    private static final int TASKS_READ_AT_ONCE = 16;
    /**
     * The most events, and characters of log messages, of a replay that the thread reading it sends
     * itself; a longer replay moves to a virtual thread, so that the next read does not wait for it.
     */
    private static final int SENT_BY_THE_READER = 16;

    private static final int CHARS_SENT_BY_THE_READER = 16 * 1024;

    private final AgentStore agents;
    private final TaskStore tasks;
    private final StepStore steps;
    private final EndedTaskRooms endedTaskRooms;
    private final int roomsPerSocket;
    /** Where what blocks runs: a virtual thread each. */
    private final Executor virtualThreads;

    InboundEvents(
            AgentStore agents,
            TaskStore tasks,
            StepStore steps,
            EndedTaskRooms endedTaskRooms,
            int roomsPerSocket,
            Executor virtualThreads) {
        this.agents = agents;
        this.tasks = tasks;
        this.steps = steps;
        this.endedTaskRooms = endedTaskRooms;
        this.roomsPerSocket = roomsPerSocket;
        this.virtualThreads = virtualThreads;
    }

    /**
     * How an inbound event is handled: {@code handler} takes the event's payload record and returns a
     * stage that completes when it is done. With {@code startsOnNetworkThread} it needs no blocking call
     * to start (it moves to a virtual thread itself when it comes to one), so it may start on the thread
     * that read the event; otherwise it runs on a virtual thread and is done when it returns.
     */
    record Handling(BiFunction<SocketSession, Record, CompletionStage<Void>> handler, boolean startsOnNetworkThread) {}

    /** How an inbound event is handled. */
    Handling handlingOf(ProtocolEvent event) {
        return switch (event) {
            case JOIN_ROOMS -> blocking((BiConsumer<SocketSession, JoinRooms>) this::joinRooms);
            case EMIT_STEPS -> blocking((BiConsumer<SocketSession, EmitSteps>) this::emitSteps);
            case JOIN_TASKS -> new Handling((session, request) -> joinTasks(session, (JoinTasks) request), true);
            case SEND_TASK_LOG -> blocking((BiConsumer<SocketSession, NewTaskLog>) this::taskLog);
            default -> throw new IllegalArgumentException(event.wireName() + " is not an inbound event");
        };
    }

    @SuppressWarnings("unchecked")
    private static Handling blocking(BiConsumer<SocketSession, ? extends Record> handler) {
        BiConsumer<SocketSession, Record> any = (BiConsumer<SocketSession, Record>) handler;
        return new Handling(
                (session, request) -> {
                    any.accept(session, request);
                    return done();
                },
                false);
    }

    /** {@code _join-rooms}: the account room when asked, and the rooms of the caller's own agents. */
    void joinRooms(SocketSession session, JoinRooms request) {
        Caller caller = session.caller();
        boolean accountRoom = request.accountRoom() && join(session, Rooms.account(caller.address()));
        if (request.accountRoom() && !accountRoom) {
            session.sendError(ProtocolEvent.JOIN_ROOMS, tooManyRooms("the account room"));
        }
        List<String> requested = request.agentDids();
        Set<String> owned = agents.ownedAmong(caller.address(), requested);
        List<String> joined = joinEach(session, ProtocolEvent.JOIN_ROOMS, "agents", requested, owned, Rooms::agent);
        session.send(ProtocolEvent.ROOMS_JOINED, new RoomsJoined(accountRoom, joined));
    }

    /**
     * Joins the room of each id the caller may join ({@code allowed}) while the socket has room for it,
     * and names in {@code error} events those it may not join and those past {@code roomsPerSocket}.
     * Returns the ids joined, in the order asked.
     */
    private List<String> joinEach(
            SocketSession session,
            ProtocolEvent event,
            String kind,
            List<String> ids,
            Set<String> allowed,
            Function<String, String> roomOf) {
        List<String> joined = new ArrayList<>();
        List<String> refused = new ArrayList<>();
        List<String> over = new ArrayList<>();
        for (String id : ids) {
            if (!allowed.contains(id)) {
                refused.add(id);
            } else if (join(session, roomOf.apply(id))) {
                joined.add(id);
            } else {
                over.add(id);
            }
        }
        if (!refused.isEmpty()) {
            session.sendError(
                    event, "not joined: these " + kind + " do not exist or are not yours: " + someOf(refused));
        }
        if (!over.isEmpty()) {
            session.sendError(event, tooManyRooms("the rooms of " + kind + " " + someOf(over)));
        }
        return joined;
    }

    /**
     * Joins a room unless the socket is in {@code roomsPerSocket} rooms already (and not in this one).
     * netty-socketio keeps every socket in a room of its namespace's name too, which is not counted.
     */
    private boolean join(SocketSession session, String room) {
        Set<String> in = session.client().getAllRooms();
        int ours = in.size() - (in.contains(session.client().getNamespace().getName()) ? 1 : 0);
        if (ours >= roomsPerSocket && !in.contains(room)) {
            return false;
        }
        session.client().joinRoom(room);
        return true;
    }

    private String tooManyRooms(String refused) {
        return "not joined: " + refused + ": this socket is in " + roomsPerSocket + " rooms, the most one socket"
                + " may be in (the hub's HUB_ROOMS_PER_SOCKET); it leaves a task's room "
                + EndedTaskRooms.GRACE.toSeconds() + " s after the task ends, or open another socket";
    }

    /**
     * {@code _emit-steps}: the caller's steps in a status, oldest first, as {@code step-updated} to this
     * socket: at most {@link Paging#MAX_SIZE}; when more wait, an {@code error} event says so after them.
     */
    void emitSteps(SocketSession session, EmitSteps request) {
        List<StepRecord> found =
                steps.toReplay(session.caller().address(), request.status(), request.agentDids(), Paging.MAX_SIZE + 1);
        for (StepRecord step : found.subList(0, Math.min(found.size(), Paging.MAX_SIZE))) {
            if (!session.send(ProtocolEvent.STEP_UPDATED, step)) {
                return;
            }
        }
        if (found.size() > Paging.MAX_SIZE) {
            session.sendError(
                    ProtocolEvent.EMIT_STEPS,
                    "replayed the oldest " + Paging.MAX_SIZE + " "
                            + request.status().wire() + " steps; more wait: ask again once these are handled");
        }
    }

    /**
     * {@code _join-tasks}: joins the rooms of tasks the caller created or owns the agent of, answers
     * {@code _join-tasks_} once, then (unless {@code history} is false) replays each task's latest logs
     * (bounded: {@code TaskLimits}) and one snapshot of its state, after the answer: clients start
     * listening when they get it. When the join names at most 16 tasks and this node remembers who may
     * see each of them (it does for those it created lately, and a subscriber joins the task it has just
     * created), the join and the read's request need no blocking call; a short replay is then sent by
     * the thread that completes the read (the reader's, unless the read was done by the time it was asked
     * for).
     */
    CompletionStage<Void> joinTasks(SocketSession session, JoinTasks request) {
        String caller = session.caller().address();
        List<String> requested = request.taskIds();
        Optional<Set<String>> remembered = requested.size() <= TASKS_READ_AT_ONCE
                ? tasks.visibleIfRemembered(caller, requested)
                : Optional.empty();
        if (remembered.isPresent()) {
            return joinTasks(session, request, remembered.get());
        }
        return onVirtualThread(() -> tasks.visible(caller, requested))
                .thenCompose(visible -> joinTasks(session, request, visible));
    }

    private CompletionStage<Void> joinTasks(SocketSession session, JoinTasks request, Set<String> visible) {
        List<String> joined =
                joinEach(session, ProtocolEvent.JOIN_TASKS, "tasks", request.taskIds(), visible, Rooms::task);
        session.send(ProtocolEvent.TASKS_JOINED, new TasksJoined(joined));
        return request.replayHistory() ? replay(session, joined, 0) : done();
    }

    /**
     * Replays the history of the joined tasks from {@code from} on, a few tasks at a time: a join may
     * name a thousand, and each may bring its bounded replay.
     */
    private CompletionStage<Void> replay(SocketSession session, List<String> joined, int from) {
        if (from >= joined.size()) {
            return done();
        }
        List<String> some = joined.subList(from, Math.min(joined.size(), from + TASKS_READ_AT_ONCE));
        return tasks.history(some, virtualThreads).thenCompose(histories -> {
            if (isShort(histories)) {
                return sent(session, histories) ? replay(session, joined, from + some.size()) : done();
            }
            return onVirtualThread(() -> sent(session, histories))
                    .thenCompose(sent -> sent ? replay(session, joined, from + some.size()) : done());
        });
    }

    /** Whether a replay is short enough for the thread that read it to send it. */
    private static boolean isShort(List<TaskHistory> histories) {
        int events = 0;
        long chars = 0;
        for (TaskHistory history : histories) {
            events += history.logs().size() + 1;
            for (TaskLogRecord log : history.logs()) {
                chars += log.message() == null ? 0 : log.message().length();
            }
        }
        return events <= SENT_BY_THE_READER && chars <= CHARS_SENT_BY_THE_READER;
    }

    /** Runs {@code work} on a virtual thread; refused with 503 once the gateway is closing. */
    private <T> CompletionStage<T> onVirtualThread(Supplier<T> work) {
        try {
            return CompletableFuture.supplyAsync(work, virtualThreads);
        } catch (RejectedExecutionException closing) {
            return CompletableFuture.failedStage(ApiError.unavailable("the hub is shutting down", closing));
        }
    }

    private static CompletionStage<Void> done() {
        return CompletableFuture.completedStage(null);
    }

    /** Sends each task's logs and state; false when the socket was closed instead (it stopped reading). */
    private boolean sent(SocketSession session, List<TaskHistory> histories) {
        for (TaskHistory history : histories) {
            for (TaskLogRecord log : history.logs()) {
                if (!session.send(ProtocolEvent.TASK_LOG, log)) {
                    return false;
                }
            }
            TaskUpdated state = TaskUpdated.of(history.task());
            if (state.endsTask()) { // joined after its end: its room is left like the others'
                endedTaskRooms.ended(state.taskId());
            }
            if (!session.send(ProtocolEvent.TASK_UPDATED, state)) {
                return false;
            }
        }
        return true;
    }

    /** The first few of a list of ids, for an error message that stays short however many were sent. */
    private static String someOf(List<String> ids) {
        int shown = Math.min(ids.size(), 10);
        return ids.subList(0, shown) + (ids.size() > shown ? " and " + (ids.size() - shown) + " more" : "");
    }

    /** {@code _task-log}: stored, then relayed to the task's room by the event dispatcher. */
    void taskLog(SocketSession session, NewTaskLog log) {
        tasks.appendLog(session.caller().address(), log);
    }
}
