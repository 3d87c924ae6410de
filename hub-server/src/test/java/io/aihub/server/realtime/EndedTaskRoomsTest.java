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
    void aTaskReportedEndedTwice_isEmptiedTwice_whichLeavesNothingToDoTheSecondTime() {
        rooms.ended("task-a");
        rooms.ended("task-a");
        clock.addAndGet(Duration.ofSeconds(5).toNanos());
        assertThat(rooms.emptyDue()).isEqualTo(2);
        assertThat(emptied).containsExactly("task-a", "task-a");
    }
}
