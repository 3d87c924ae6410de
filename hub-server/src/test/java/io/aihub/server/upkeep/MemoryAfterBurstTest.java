package io.aihub.server.upkeep;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

class MemoryAfterBurstTest {
    private final AtomicLong writes = new AtomicLong(500);
    private final AtomicInteger givenBack = new AtomicInteger();
    private final MemoryAfterBurst afterBurst = new MemoryAfterBurst(writes::get, () -> {
        givenBack.incrementAndGet();
        return "given back";
    });

    @Test
    void aQuietHub_thatHasDoneLittle_givesNothingBack() {
        writes.addAndGet(MemoryAfterBurst.QUIET_WRITES);

        assertThat(afterBurst.look()).isFalse();
        assertThat(afterBurst.look()).isFalse();
        assertThat(givenBack).hasValue(0);
    }

    @Test
    void aBusyHub_givesNothingBack_untilItsWritesGoQuiet_andThenOnce() {
        for (int i = 0; i < 5; i++) {
            writes.addAndGet(MemoryAfterBurst.BUSY_WRITES);
            assertThat(afterBurst.look()).as("busy").isFalse();
        }

        writes.addAndGet(MemoryAfterBurst.QUIET_WRITES);
        assertThat(afterBurst.look()).as("quiet after a burst").isTrue();
        writes.addAndGet(1);
        assertThat(afterBurst.look())
                .as("still quiet, nothing new to give back")
                .isFalse();
        assertThat(givenBack).hasValue(1);
    }

    @Test
    void aSteadyTrickle_isNeverABurst_howeverMuchItAddsUpTo() {
        for (int i = 0; i < 200; i++) {
            writes.addAndGet(MemoryAfterBurst.QUIET_WRITES - 10);
            assertThat(afterBurst.look()).as("look " + i).isFalse();
        }
        assertThat(givenBack).hasValue(0);
    }

    @Test
    void theNextBurst_isFollowedByAGiveBackToo() {
        writes.addAndGet(MemoryAfterBurst.BUSY_WRITES);
        afterBurst.look();
        assertThat(afterBurst.look()).isTrue();

        writes.addAndGet(MemoryAfterBurst.BUSY_WRITES);
        assertThat(afterBurst.look()).isFalse();
        assertThat(afterBurst.look()).isTrue();
        assertThat(givenBack).hasValue(2);
    }

    @Test
    void aPartThatFails_saysWhy_andLeavesTheOtherToRun() {
        String said = MemoryAfterBurst.attempt("compacting the heap", () -> {
                    throw new IllegalArgumentException("no HotSpotDiagnosticMXBean");
                })
                + "; " + MemoryAfterBurst.attempt("trimming the C heap", () -> "RSS+Swap: 10M->9M");

        assertThat(said).isEqualTo("compacting the heap failed: no HotSpotDiagnosticMXBean; RSS+Swap: 10M->9M");
    }

    @Test
    void theJvmsOwnTrim_givesBackTheCHeapsFreeMemory_andSaysHowMuch() {
        assumeThat(System.getProperty("os.name")).as("glibc's malloc_trim").isEqualTo("Linux");

        assertThat(MemoryAfterBurst.trimNativeHeap()).contains("RSS");
    }

    @Test
    void compactingTheHeap_givesBackWhatABurstGrew_underTheRecommendedFlags_andPutsTheFreeRatiosBack()
            throws Exception {
        Path java = Path.of(System.getProperty("java.home"), "bin", "java");
        Path output = Files.createTempFile("burst", ".txt");
        try {
            Process burst = new ProcessBuilder(
                            java.toString(),
                            "-XX:+UseSerialGC",
                            "-Xms32m",
                            "-Xmn24m",
                            "-Xmx256m",
                            "-cp",
                            System.getProperty("java.class.path"),
                            Burst.class.getName())
                    .redirectErrorStream(true)
                    .redirectOutput(output.toFile())
                    .start();
            if (!burst.waitFor(60, TimeUnit.SECONDS)) {
                burst.destroyForcibly();
            }
            String said = Files.readString(output);
            assertThat(burst.exitValue()).as(said).isZero();

            Matcher figures = Pattern.compile("grown=(\\d+) compacted=(\\d+) live=(\\d+) ratios=(\\S+)")
                    .matcher(said);
            assertThat(figures.find()).as(said).isTrue();
            long grown = Long.parseLong(figures.group(1));
            long compacted = Long.parseLong(figures.group(2));
            long live = Long.parseLong(figures.group(3));
            // The collector's own ratios (at most 70 % free) would keep well over twice the live data in
            // the old generation; the lowered ones keep at most a fifth free.
            assertThat(compacted).as(said).isLessThan((24L << 20) + 2 * live).isLessThan(grown);
            assertThat(figures.group(4)).as("the operator's ratios, put back").isEqualTo("40/70");
            assertThat(said).contains("heap committed: ");
        } finally {
            Files.deleteIfExists(output);
        }
    }

    /** A JVM that grows its heap with live data, drops most of it, and compacts. */
    static final class Burst {
        public static void main(String[] args) {
            List<byte[]> held = new ArrayList<>();
            for (int i = 0; i < 160; i++) {
                held.add(new byte[1 << 20]);
            }
            held.subList(16, held.size()).clear();
            System.gc(); // the collector's own choice: it keeps the heap it grew
            long grown = committed();
            String said = MemoryAfterBurst.compactHeap();
            HotSpotDiagnosticMXBean flags = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
            System.out.println(said + " grown=" + grown + " compacted=" + committed() + " live="
                    + ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed() + " ratios="
                    + flags.getVMOption("MinHeapFreeRatio").getValue() + "/"
                    + flags.getVMOption("MaxHeapFreeRatio").getValue() + " held=" + held.size());
        }

        private static long committed() {
            return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
        }
    }
}
