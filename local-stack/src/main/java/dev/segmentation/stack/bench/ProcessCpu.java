package dev.segmentation.stack.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
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

    private ProcessCpu() {
    }

    /** User plus system CPU seconds of the whole process so far, exited threads included. */
    static double seconds(long pid) throws IOException {
        return seconds(Path.of("/proc", Long.toString(pid), "stat"));
    }

    /**
     * CPU seconds so far per kind of thread of the process; threads whose name starts with {@code appPrefix} count
     * as the application's (Kafka Streams names its threads after the application id).
     */
    static Map<String, Double> byKind(long pid, String appPrefix) throws IOException {
        Map<String, Double> seconds = new LinkedHashMap<>();
        for (String kind : new String[] {APP, COMPILER, COLLECTOR, PRODUCER, OTHER}) {
            seconds.put(kind, 0.0);
        }
        // The kernel keeps only the first 15 characters of a thread's name.
        String prefix = appPrefix.substring(0, Math.min(15, appPrefix.length()));
        try (Stream<Path> tasks = Files.list(Path.of("/proc", Long.toString(pid), "task"))) {
            for (Path task : (Iterable<Path>) tasks::iterator) {
                try {
                    seconds.merge(kind(Files.readString(task.resolve("comm")).trim(), prefix),
                            seconds(task.resolve("stat")), Double::sum);
                } catch (IOException exited) {
                    // The thread ended between the listing and the reading.
                }
            }
        }
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

    /** {@code after - before}, kind by kind. */
    static Map<String, Double> difference(Map<String, Double> after, Map<String, Double> before) {
        Map<String, Double> difference = new LinkedHashMap<>();
        after.forEach((kind, seconds) -> difference.put(kind, seconds - before.getOrDefault(kind, 0.0)));
        return difference;
    }

    /** utime plus stime of a {@code stat} file, fields 14 and 15, counted after the command name's parenthesis. */
    private static double seconds(Path stat) throws IOException {
        String[] fields = Files.readString(stat).split("\\) ")[1].split(" ");
        return (Long.parseLong(fields[11]) + Long.parseLong(fields[12])) / 100.0;
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
