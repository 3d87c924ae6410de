package io.aihub.server.realtime;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class EndedTaskRoomsTest {
    private final AtomicLong clock = new AtomicLong(-5_000_000_000L); // nanoTime may be negative
    private final List<String> emptied = new ArrayList<>();
    private final EndedTaskRooms rooms = new EndedTaskRooms(emptied::add, clock::get, Duration.ofSeconds(5));

    @Test
    void aRoomIsEmptiedOnceItsGraceHasPassed_notBefore() {
        rooms.ended("task-a");
        clock.addAndGet(Duration.ofMillis(4_999).toNanos());
        assertThat(rooms.emptyDue()).isZero();
        assertThat(emptied).isEmpty();
        assertThat(rooms.waiting()).isEqualTo(1);

        clock.addAndGet(Duration.ofMillis(1).toNanos());
        assertThat(rooms.emptyDue()).isEqualTo(1);
        assertThat(emptied).containsExactly("task-a");
        assertThat(rooms.waiting()).isZero();
        assertThat(rooms.emptyDue()).as("each room once").isZero();
    }

    @Test
    void roomsAreEmptiedInTheOrderTheirTasksEnded_eachWhenItsOwnGraceHasPassed() {
        rooms.ended("task-a");
        clock.addAndGet(Duration.ofSeconds(2).toNanos());
        rooms.ended("task-b");
        rooms.ended("task-c");
        clock.addAndGet(Duration.ofSeconds(3).toNanos());
        assertThat(rooms.emptyDue()).isEqualTo(1);
        assertThat(emptied).containsExactly("task-a");

        clock.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(rooms.emptyDue()).isEqualTo(2);
        assertThat(emptied).containsExactly("task-a", "task-b", "task-c");
    }

    @Test
    void aTaskReportedEndedAgain_waitsOnce_fromItsFirstReport() {
        rooms.ended("task-a");
        clock.addAndGet(Duration.ofSeconds(3).toNanos());
        rooms.ended("task-a"); // a join that replays the ended task
        assertThat(rooms.waiting()).isEqualTo(1);
        clock.addAndGet(Duration.ofSeconds(2).toNanos());
        assertThat(rooms.emptyDue()).isEqualTo(1);
        assertThat(emptied).containsExactly("task-a");
    }

    @Test
    void aRoomThatFailsToEmpty_doesNotKeepTheOthersFull() {
        List<String> attempted = new ArrayList<>();
        EndedTaskRooms failing = new EndedTaskRooms(
                taskId -> {
                    attempted.add(taskId);
                    if (taskId.equals("task-b")) {
                        throw new IllegalStateException("a bug in emptying");
                    }
                },
                clock::get,
                Duration.ofSeconds(5));
        failing.ended("task-a");
        failing.ended("task-b");
        failing.ended("task-c");
        clock.addAndGet(Duration.ofSeconds(5).toNanos());

        assertThat(failing.emptyDue()).isEqualTo(3);
        assertThat(attempted).containsExactly("task-a", "task-b", "task-c");
        assertThat(failing.waiting()).isZero();
    }
}
