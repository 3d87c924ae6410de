package io.aihub.server.upkeep;

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
 * Hands the C heap's free memory back to the system once a burst of work is over. Under load the JVM's
 * threads leave freed memory in the C library's arenas (the JIT compilers' alone reached 30 MiB), which
 * a process keeps until it is trimmed; the JVM can trim it every few seconds
 * ({@code -XX:TrimNativeHeapInterval}), but trimming under load lengthened the tail in measurements
 * (docs/realtime-benchmarks.md). So this trims once, when the work (lifecycle writes and sockets
 * connecting) has gone quiet after at least {@link #BUSY_WRITES} of it: the JVM's own {@code
 * System.trim_native_heap} diagnostic command, through its management bean. Where the C library cannot
 * trim (not glibc), the command says so and nothing happens.
 */
public final class NativeMemoryTrim implements AutoCloseable {
    private static final Logger LOG = LoggerFactory.getLogger(NativeMemoryTrim.class);
    /** How often the writes are counted. */
    static final Duration EVERY = Duration.ofSeconds(10);
    /** Work since the last trim that counts as a burst worth trimming after. */
    static final long BUSY_WRITES = 10_000;
    /** At most this much work in the last {@link #EVERY} makes the hub quiet. */
    static final long QUIET_WRITES = 100;

    private final LongSupplier writes;
    private final Supplier<String> trim;
    private final ScheduledExecutorService timer = Executors.newSingleThreadScheduledExecutor(
            Thread.ofPlatform().name("hub-native-trim").daemon().factory());
    private long atLastTrim;
    private long atLastLook;

    /** @param writes how much work the hub has done since it started: lifecycle writes and sockets connected */
    public NativeMemoryTrim(LongSupplier writes) {
        this(writes, NativeMemoryTrim::trimNativeHeap);
    }

    /** With the trim given (it answers what it did, as the diagnostic command does): for tests. */
    NativeMemoryTrim(LongSupplier writes, Supplier<String> trim) {
        this.writes = writes;
        this.trim = trim;
        this.atLastTrim = writes.getAsLong();
        this.atLastLook = atLastTrim;
    }

    public void start() {
        timer.scheduleWithFixedDelay(this::look, EVERY.toMillis(), EVERY.toMillis(), TimeUnit.MILLISECONDS);
    }

    /** Trims if a burst has ended since the last trim; true if it did. */
    boolean look() {
        long now = writes.getAsLong();
        boolean quiet = now - atLastLook <= QUIET_WRITES;
        atLastLook = now;
        if (!quiet || now - atLastTrim < BUSY_WRITES) {
            return false;
        }
        atLastTrim = now;
        try {
            LOG.info("a burst of work is over; {}", trim.get().strip());
        } catch (RuntimeException e) {
            LOG.debug("trimming the C heap failed", e);
        }
        return true;
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

    @Override
    public void close() {
        timer.shutdownNow();
    }
}
