package dev.segmentation.stack.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

/**
 * A process's CPU time, in all and by kind of thread, and its peak resident memory, from {@code /proc} (Linux, 100 ticks per second). The split
 * tells the application's own work from what its JVM spends compiling and collecting, which on two cores is a
 * large share.
 */
final class ProcessCpu {

    static final String APP = "stream threads";
    static final String COMPILER = "JIT compilers";
    static final String COLLECTOR = "garbage collector";
    static final String PRODUCER = "producer I/O";
    static final String OTHER = "other";
    static final String ENDED = "threads that ended";

    private ProcessCpu() {
    }

    /** User plus system CPU seconds of the whole process so far, exited threads included. */
    static double seconds(long pid) throws IOException {
        return seconds(Path.of("/proc", Long.toString(pid), "stat"));
    }

    /**
     * CPU seconds so far of each live thread of the process, by thread id; threads whose name starts with
     * {@code appPrefix} count as the application's (Kafka Streams names its threads after the application id).
     */
    static Map<String, ThreadCpu> threads(long pid, String appPrefix) throws IOException {
        Map<String, ThreadCpu> threads = new HashMap<>();
        // The kernel keeps only the first 15 characters of a thread's name.
        String prefix = appPrefix.substring(0, Math.min(15, appPrefix.length()));
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    threads.put(task.getFileName().toString(), new ThreadCpu(
                            kind(Files.readString(task.resolve("comm")).trim(), prefix), seconds(task.resolve("stat"))));
                } catch (IOException exited) {
                    // The thread ended between the listing and the reading.
                }
            }
        }
        return threads;
    }

    /**
     * What each kind of thread spent between two readings of {@link #threads}, given the process's own CPU seconds
     * over the same span. Threads that ended in between are a kind of their own: {@code /proc} keeps an exited
     * thread's time only in the process's total. They are mostly compiler threads, which the JVM retires once their
     * queue is empty, so a breakdown without them understates the JIT.
     */
    static Map<String, Double> byKind(Map<String, ThreadCpu> before, Map<String, ThreadCpu> after,
                                      double processSeconds) {
        Map<String, Double> seconds = new LinkedHashMap<>();
        for (String kind : new String[] {APP, COMPILER, COLLECTOR, PRODUCER, OTHER}) {
            seconds.put(kind, 0.0);
        }
        after.forEach((id, thread) -> {
            ThreadCpu earlier = before.get(id);
            seconds.merge(thread.kind(), thread.seconds() - (earlier == null ? 0 : earlier.seconds()), Double::sum);
        });
        double live = seconds.values().stream().mapToDouble(Double::doubleValue).sum();
        seconds.put(ENDED, Math.max(0, processSeconds - live));
        return seconds;
    }

    /** The most memory the process has held resident so far ({@code VmHWM}), in bytes. */
    static long peakResidentBytes(long pid) throws IOException {
        for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
            if (line.startsWith("VmHWM:")) {
                return Long.parseLong(line.replaceAll("\\D", "")) * 1024;
            }
        }
        throw new IOException("No VmHWM in /proc/" + pid + "/status");
    }

    /** utime plus stime of a {@code stat} file, fields 14 and 15, counted after the command name's parenthesis. */
    private static double seconds(Path stat) throws IOException {
        String[] fields = Files.readString(stat).split("\\) ")[1].split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
    }

    /** A thread's kind and its CPU seconds so far. */
    record ThreadCpu(String kind, double seconds) {
    }

    private static String kind(String name, String appPrefix) {
        if (name.startsWith(appPrefix)) {
            return APP;
        }
        if (name.contains("CompilerThre")) {
            return COMPILER;
        }
        if (name.startsWith("GC Thread") || name.startsWith("G1 ")) {
            return COLLECTOR;
        }
        return name.startsWith("kafka-producer") ? PRODUCER : OTHER;
    }
}
