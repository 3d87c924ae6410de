package io.aihub.server.upkeep;

import com.sun.management.HotSpotDiagnosticMXBean;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;
import java.util.function.Supplier;
import javax.management.JMException;
import javax.management.ObjectName;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Hands memory a burst of work grew back to the system once the burst is over: the Java heap's and the C
 * heap's. The heap grown under load stays resident: the serial collector keeps the generation it
 * expanded (garbage promoted under load sits in it until a full collection, and sockets that connect
 * afterwards are placed above it), and it shrinks a generation only at a full collection, when more of it
 * is free than {@code MaxHeapFreeRatio} allows (70 % by default). The C library keeps the memory the JVM's
 * threads freed under load in its arenas (the JIT compilers' alone reached 30 MiB); the JVM can trim
 * them every few seconds ({@code -XX:TrimNativeHeapInterval}), but trimming under load lengthened the
 * tail in measurements (docs/realtime-benchmarks.md).
 *
 * <p>So once, when the work (lifecycle writes and sockets connecting) has gone quiet after a burst (a
 * look that found more than {@link #QUIET_WRITES}, and at least {@link #BUSY_WRITES} in all), this {@linkplain #compactHeap() compacts the heap} with the free ratios
 * lowered for the while, and then trims the C heap with the JVM's own {@code System.trim_native_heap}
 * diagnostic command. A quiet hub can afford the full collections' pauses; a busy one never takes them
 * from here. Where the C library cannot trim (not glibc), the command says so and nothing happens; with
 * {@code -XX:+DisableExplicitGC} the heap is left as it is.
 */
public final class MemoryAfterBurst implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(MemoryAfterBurst.class);
    /** How often the writes are counted. */
    static final Duration EVERY = Duration.ofSeconds(10);
    /** Work since the last give-back that counts as a burst worth giving memory back after. */
    static final long BUSY_WRITES = 10_000;
    /** At most this much work in the last {@link #EVERY} makes the hub quiet. */
    static final long QUIET_WRITES = 100;
    /** The free share of the heap a compacted heap keeps at least, and at most, in percent. */
    static final int MIN_FREE_PERCENT = 10;

    static final int MAX_FREE_PERCENT = 20;
    /**
     * Full collections the serial collector needs: it shrinks a generation in steps, none of the excess
     * at the first collection, then 10 %, 40 % and all of it. Other collectors get one (G1 shrinks at
     * the first).
     */
    static final int SERIAL_COLLECTIONS = 4;

    private final LongSupplier writes;
    private final Supplier<String> giveBack;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("hub-memory-after-burst").daemon().factory());
    private long atLastGiveBack;
    private long atLastLook;
    /** Whether a look since the last give-back found the hub busy: a steady trickle is never a burst. */
    private boolean sawBusy;

    /** @param writes how much work the hub has done since it started: lifecycle writes and sockets connected */
    public MemoryAfterBurst(LongSupplier writes) {
        this(
                writes,
                () -> attempt("compacting the heap", MemoryAfterBurst::compactHeap) + "; "
                        + attempt("trimming the C heap", () -> trimNativeHeap().strip()));
    }

    /** With the give-back given (it answers what it did): for tests. */
    MemoryAfterBurst(LongSupplier writes, Supplier<String> giveBack) {
        this.writes = writes;
        this.giveBack = giveBack;
        this.atLastGiveBack = writes.getAsLong();
        this.atLastLook = atLastGiveBack;
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::look, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Gives memory back if a burst has ended since the last time; true if it did. */
    boolean look() {
        long now = writes.getAsLong();
        boolean quiet = now - atLastLook <= QUIET_WRITES;
        atLastLook = now;
        if (!quiet) {
            sawBusy = true;
            return false;
        }
        if (!sawBusy || now - atLastGiveBack < BUSY_WRITES) {
            return false;
        }
        sawBusy = false;
        atLastGiveBack = now;
        try {
            LOG.info("a burst of work is over; {}", giveBack.get());
        } catch (RuntimeException e) {
            LOG.debug("giving memory back failed", e);
        }
        return true;
    }

    /**
     * Collects the whole heap with {@code MinHeapFreeRatio} and {@code MaxHeapFreeRatio} (manageable
     * flags) lowered to {@value #MIN_FREE_PERCENT} and {@value #MAX_FREE_PERCENT} % (or kept, where the
     * operator set them lower), {@value #SERIAL_COLLECTIONS} times with the serial collector and once
     * with others, then puts the operator's ratios back; answers what the heap's committed size went
     * from and to. Synchronized: the ratios are the JVM's, and a second caller must not take the
     * lowered ones for the operator's.
     */
    static synchronized String compactHeap() {
        HotSpotDiagnosticMXBean flags = ManagementFactory.getPlatformMXBean(HotSpotDiagnosticMXBean.class);
        String min = flags.getVMOption("MinHeapFreeRatio").getValue();
        String max = flags.getVMOption("MaxHeapFreeRatio").getValue();
        long before = committedHeap();
        try {
            // lower the minimum first and raise it last: the JVM refuses a minimum above the maximum
            flags.setVMOption("MinHeapFreeRatio", lowest(min, MIN_FREE_PERCENT));
            flags.setVMOption("MaxHeapFreeRatio", lowest(max, MAX_FREE_PERCENT));
            int collections = serialCollector() ? SERIAL_COLLECTIONS : 1;
            for (int i = 0; i < collections; i++) {
                System.gc();
            }
        } finally {
            flags.setVMOption("MaxHeapFreeRatio", max);
            flags.setVMOption("MinHeapFreeRatio", min);
        }
        return "heap committed: " + mib(before) + "->" + mib(committedHeap());
    }

    /** Runs {@code System.trim_native_heap} and answers its output (such as "RSS+Swap: 330M->301M (-29M)"). */
    static String trimNativeHeap() {
        try {
            return (String) ManagementFactory.getPlatformMBeanServer()
                    .invoke(
                            new ObjectName("com.sun.management:type=DiagnosticCommand"),
                            "systemTrimNativeHeap",
                            new Object[] {new String[0]},
                            new String[] {String[].class.getName()});
        } catch (JMException e) {
            throw new IllegalStateException("the JVM offers no System.trim_native_heap", e);
        }
    }

    /** What {@code part} did, or why it could not: one failing (another JVM, a flag refused) leaves the other to run. */
    static String attempt(String what, Supplier<String> part) {
        try {
            return part.get();
        } catch (RuntimeException e) {
            return what + " failed: " + e.getMessage();
        }
    }

    private static String lowest(String current, int wanted) {
        return Integer.toString(Math.min(Integer.parseInt(current), wanted));
    }

    /** The serial collector's old generation is "MarkSweepCompact" to the management beans. */
    private static boolean serialCollector() {
        return ManagementFactory.getGarbageCollectorMXBeans().stream()
                .anyMatch(collector -> collector.getName().equals("MarkSweepCompact"));
    }

    private static long committedHeap() {
        return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getCommitted();
    }

    private static String mib(long bytes) {
        return (bytes >> 20) + "M";
    }

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
