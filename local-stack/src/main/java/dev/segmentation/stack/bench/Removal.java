package dev.segmentation.stack.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One step of removing something a benchmark run created, as data rather than code: {@link Leftovers} writes its
 * pending steps down, so that a later run can take them when this one was killed outright, before its shutdown hook
 * could. Each step is harmless to take twice: what is gone already is skipped.
 *
 * @param kind  what is removed
 * @param names what it is called: its names, prefixes, path, or a process's id and start time
 */
record Removal(Kind kind, List<String> names) {

    /** What a step removes. */
    enum Kind {
        /** A Connect connector, by name. */
        CONNECTOR,
        /**
         * A process, by its id and its start time in epoch milliseconds: a process that got the same id later is
         * left alone. Asked to stop first, then killed.
         */
        PROCESS,
        /** Topics, by name. */
        TOPICS,
        /** The topics whose names start with one of the prefixes when the step is taken. */
        TOPICS_STARTING_WITH,
        /** Consumer groups, by name. */
        GROUPS,
        /** A file, or a directory with everything in it. */
        PATH
    }

    /** How long a process is given to stop, leaving its consumer group, before it is killed. */
    static final Duration PATIENCE = Duration.ofSeconds(30);

    Removal {
        names = List.copyOf(names);
        if (names.isEmpty() || names.stream().anyMatch(name -> name.isEmpty() || name.contains("\t")
                || name.contains("\n"))) {
            throw new IllegalArgumentException(kind + " needs names without tabs or line breaks, got " + names);
        }
    }

    static Removal connector(String name) {
        return new Removal(Kind.CONNECTOR, List.of(name));
    }

    static Removal process(ProcessHandle process) {
        return new Removal(Kind.PROCESS, List.of(Long.toString(process.pid()), Long.toString(startMillis(process))));
    }

    static Removal topics(List<String> names) {
        return new Removal(Kind.TOPICS, names);
    }

    static Removal topicsStartingWith(String... prefixes) {
        return new Removal(Kind.TOPICS_STARTING_WITH, Arrays.asList(prefixes));
    }

    static Removal groups(String... names) {
        return new Removal(Kind.GROUPS, Arrays.asList(names));
    }

    static Removal path(Path path) {
        return new Removal(Kind.PATH, List.of(path.toString()));
    }

    /** The step as one line of text: its kind and names, separated by tabs. */
    String line() {
        return kind.name().toLowerCase(Locale.ROOT) + "\t" + String.join("\t", names);
    }

    /** Reads a step back from {@link #line()}. */
    static Removal parse(String line) {
        String[] fields = line.split("\t");
        if (fields.length < 2) {
            throw new IllegalArgumentException("not a removal step: " + line);
        }
        return new Removal(Kind.valueOf(fields[0].toUpperCase(Locale.ROOT)),
                Arrays.asList(fields).subList(1, fields.length));
    }

    /**
     * Stops the process of a {@link Kind#PROCESS} step if it still runs: asked first, so that Kafka Streams leaves
     * its group and the group can be deleted, then killed once {@link #PATIENCE} is up.
     */
    void stopProcess() throws InterruptedException {
        if (kind != Kind.PROCESS) {
            throw new IllegalStateException("not a process: " + this);
        }
        long startMillis = Long.parseLong(names.get(1));
        ProcessHandle process = ProcessHandle.of(Long.parseLong(names.get(0))).orElse(null);
        // Without a start time (never the case on Linux) the process cannot be told from a later one: leave it.
        if (process == null || startMillis == 0 || !isRunning(process, startMillis)) {
            return;
        }
        process.destroy();
        try {
            process.onExit().get(PATIENCE.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException | ExecutionException e) {
            process.destroyForcibly();
            process.onExit().join();
        }
    }

    /**
     * Whether the process with this id is alive and the one that started at {@code startMillis} (any process with
     * the id, when the start time is 0: unknown).
     */
    static boolean isRunning(long pid, long startMillis) {
        return ProcessHandle.of(pid).map(process -> isRunning(process, startMillis)).orElse(false);
    }

    private static boolean isRunning(ProcessHandle process, long startMillis) {
        return process.isAlive() && (startMillis == 0 || startMillis(process) == startMillis);
    }

    /** When the process started, in epoch milliseconds, or 0 when the system does not say. */
    static long startMillis(ProcessHandle process) {
        return process.info().startInstant().map(Instant::toEpochMilli).orElse(0L);
    }
}
