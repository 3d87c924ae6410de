package io.aihub.server.upkeep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;

class NativeMemoryTrimTest {
    private final AtomicLong writes = new AtomicLong(500);
    private final AtomicInteger trims = new AtomicInteger();
    private final NativeMemoryTrim trim = new NativeMemoryTrim(writes::get, () -> {
        trims.incrementAndGet();
        return "trimmed";
    });

    @Test
    void aQuietHub_thatHasDoneLittle_isNotTrimmed() {
        writes.addAndGet(NativeMemoryTrim.QUIET_WRITES);

        assertThat(trim.look()).isFalse();
        assertThat(trim.look()).isFalse();
        assertThat(trims).hasValue(0);
    }

    @Test
    void aBusyHub_isNotTrimmed_untilItsWritesGoQuiet_andThenOnce() {
        for (int i = 0; i < 5; i++) {
            writes.addAndGet(NativeMemoryTrim.BUSY_WRITES);
            assertThat(trim.look()).as("busy").isFalse();
        }

        writes.addAndGet(NativeMemoryTrim.QUIET_WRITES);
        assertThat(trim.look()).as("quiet after a burst").isTrue();
        writes.addAndGet(1);
        assertThat(trim.look()).as("still quiet, nothing new to give back").isFalse();
        assertThat(trims).hasValue(1);
    }

    @Test
    void theNextBurst_isTrimmedAfterToo() {
        writes.addAndGet(NativeMemoryTrim.BUSY_WRITES);
        trim.look();
        assertThat(trim.look()).isTrue();

        writes.addAndGet(NativeMemoryTrim.BUSY_WRITES);
        assertThat(trim.look()).isFalse();
        assertThat(trim.look()).isTrue();
        assertThat(trims).hasValue(2);
    }

    @Test
    void theJvmsOwnTrim_givesBackTheCHeapsFreeMemory_andSaysHowMuch() {
        assumeThat(System.getProperty("os.name")).as("glibc's malloc_trim").isEqualTo("Linux");

        assertThat(NativeMemoryTrim.trimNativeHeap()).contains("RSS");
    }
}
