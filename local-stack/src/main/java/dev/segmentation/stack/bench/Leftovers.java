package dev.segmentation.stack.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * What a benchmark run has created on the stack and not removed yet: a connector, topics, consumer groups, a process
 * and its state. The run removes each one itself when it is done with it ({@link Leftover#remove}). A run stopped
 * part-way, by Ctrl-C or a signal, removes the rest from a shutdown hook ({@link #removeAllOnExit}), so that it does
 * not leave a connector still writing, hundreds of megabytes of event topics, or the application's topics and
 * groups behind on the user's stack.
 *
 * <p>A run killed outright (SIGKILL, the out-of-memory killer) runs no hook. So what is pending is also written down,
 * in a journal in the benchmark's directory named after the run's process, and the next run takes what a dead run's
 * journal lists ({@link #removeOrphans}): the application it had started is stopped, its topics, groups and
 * connector deleted.
 *
 * <p>One lock serializes the run's removals and the hook's: each is made once, by whichever comes first, and a
 * removal the run has begun finishes before the hook looks at what is left.
 */
final class Leftovers {

    /** Takes one step of a removal on the stack. */
    @FunctionalInterface
    interface Remover {
        void remove(Removal removal) throws Exception;
    }

    /** One thing to remove, once. */
    final class Leftover {

        private final Listed listed;

        private Leftover(Listed listed) {
            this.listed = listed;
        }

        /** Removes it now, unless the shutdown hook already has. */
        void remove() throws Exception {
            synchronized (Leftovers.this) {
                if (pending.remove(this)) {
                    try {
                        listed.removeWith(remover);
                    } finally {
                        writeJournal();
                    }
                }
            }
        }
    }

    /**
     * What a leftover is and the steps that remove it, as the journal holds them: a line that says what, then a
     * line per step, indented.
     */
    private record Listed(String what, List<Removal> steps) {

        private static final String STEP = "\t";

        Listed {
            steps = List.copyOf(steps);
        }

        void removeWith(Remover remover) throws Exception {
            for (Removal step : steps) {
                remover.remove(step);
            }
        }

        List<String> lines() {
            List<String> lines = new ArrayList<>();
            lines.add(what);
            steps.forEach(step -> lines.add(STEP + step.line()));
            return lines;
        }

        /** Reads back what {@link #lines()} wrote, for any number of leftovers. */
        static List<Listed> parse(List<String> lines) {
            List<Listed> listed = new ArrayList<>();
            for (int start = 0; start < lines.size(); ) {
                int end = start + 1;
                while (end < lines.size() && lines.get(end).startsWith(STEP)) {
                    end++;
                }
                listed.add(new Listed(lines.get(start), lines.subList(start + 1, end).stream()
                        .map(line -> Removal.parse(line.substring(STEP.length()))).toList()));
                start = end;
            }
            return listed;
        }
    }

    private static final Pattern JOURNAL = Pattern.compile("leftovers-(\\d+)-(\\d+)\\.txt");

    private final Path journal;
    private final Remover remover;
    private final List<Leftover> pending = new ArrayList<>();

    /**
     * @param directory where the journal goes, named after this process
     * @param remover   takes each step on the stack
     */
    Leftovers(Path directory, Remover remover) throws IOException {
        ProcessHandle self = ProcessHandle.current();
        this.journal = Files.createDirectories(directory)
                .resolve("leftovers-" + self.pid() + "-" + Removal.startMillis(self) + ".txt");
        this.remover = remover;
    }

    /** Lists something the run has just created, with the steps that remove it. */
    synchronized Leftover add(String what, Removal... steps) throws IOException {
        Leftover leftover = new Leftover(new Listed(what, List.of(steps)));
        pending.add(leftover);
        writeJournal();
        return leftover;
    }

    /** Removes whatever is left if the JVM stops before the run has removed it. */
    void removeAllOnExit() {
        Runtime.getRuntime().addShutdownHook(new Thread(this::removeAll, "benchmark-leftovers"));
    }

    /**
     * Removes everything still listed, newest first (the application before the topics it reads, the connector
     * before the topics it writes), each whatever became of the others, and says so on the output.
     */
    synchronized void removeAll() {
        for (int i = pending.size() - 1; i >= 0; i--) {
            Listed leftover = pending.remove(i).listed;
            System.out.printf("Stopped part-way: removing %s%n", leftover.what());
            try {
                leftover.removeWith(remover);
            } catch (Exception e) {
                System.out.printf("  could not remove %s: %s%n", leftover.what(), e);
            }
        }
        try {
            writeJournal();
        } catch (IOException e) {
            System.out.printf("  could not update %s: %s%n", journal, e);
        }
    }

    /**
     * Takes the steps of every journal in {@code directory} whose run is no longer alive, newest leftover first, and
     * deletes the journal. A journal whose steps did not all succeed (the stack down, say) is kept for the next run.
     */
    static void removeOrphans(Path directory, Remover remover) throws IOException {
        if (!Files.isDirectory(directory)) {
            return;
        }
        List<Path> journals;
        try (Stream<Path> files = Files.list(directory)) {
            journals = files.filter(file -> JOURNAL.matcher(file.getFileName().toString()).matches()).sorted()
                    .toList();
        }
        for (Path orphan : journals) {
            Matcher name = JOURNAL.matcher(orphan.getFileName().toString());
            if (!name.matches() || Removal.isRunning(Long.parseLong(name.group(1)), Long.parseLong(name.group(2)))) {
                continue;
            }
            System.out.printf("An earlier benchmark (process %s) was killed before it removed what it created:%n",
                    name.group(1));
            List<Listed> listed = Listed.parse(Files.readAllLines(orphan));
            boolean allRemoved = true;
            for (int i = listed.size() - 1; i >= 0; i--) {
                Listed leftover = listed.get(i);
                System.out.printf("  removing %s%n", leftover.what());
                try {
                    leftover.removeWith(remover);
                } catch (Exception e) {
                    allRemoved = false;
                    System.out.printf("  could not remove %s: %s%n", leftover.what(), e);
                }
            }
            if (allRemoved) {
                Files.delete(orphan);
            } else {
                System.out.printf("  kept %s for the next run%n", orphan);
            }
        }
    }

    /** The journal of this run, while anything is pending. */
    Path journal() {
        return journal;
    }

    /** Rewrites the journal from what is pending, whole or not at all; deletes it when nothing is. */
    private void writeJournal() throws IOException {
        if (pending.isEmpty()) {
            Files.deleteIfExists(journal);
            return;
        }
        List<String> lines = new ArrayList<>();
        pending.forEach(leftover -> lines.addAll(leftover.listed.lines()));
        Path next = journal.resolveSibling(journal.getFileName() + ".next");
        Files.write(next, lines);
        Files.move(next, journal, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
    }
}
