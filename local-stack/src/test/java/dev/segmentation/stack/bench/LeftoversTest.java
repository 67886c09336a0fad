package dev.segmentation.stack.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * What a run created is removed once: by the run when it is done with it, at exit when it stopped part-way, or by the
 * next run when it was killed outright.
 */
class LeftoversTest {

    /** Above any process id Linux gives out. */
    private static final long NO_PROCESS = Integer.MAX_VALUE;

    @TempDir
    Path directory;

    private final List<Removal> removed = new ArrayList<>();

    @Test
    void whatTheRunRemovedIsNotRemovedAgainAtExit() throws Exception {
        Leftovers leftovers = new Leftovers(directory, removed::add);
        Leftovers.Leftover topics = leftovers.add("topics", Removal.topics(List.of("a")));
        topics.remove();
        topics.remove();
        leftovers.removeAll();

        assertThat(removed).containsExactly(Removal.topics(List.of("a")));
    }

    @Test
    void atExitTheRestGoesNewestFirstPastAFailure() throws Exception {
        Leftovers leftovers = new Leftovers(directory, removal -> {
            if (removal.kind() == Removal.Kind.CONNECTOR) {
                throw new IllegalStateException("Connect is gone");
            }
            removed.add(removal);
        });
        leftovers.add("event topics", Removal.topics(List.of("events")));
        leftovers.add("connector", Removal.connector("simulator"));
        Leftovers.Leftover group = leftovers.add("perf group", Removal.groups("perf"));
        leftovers.add("application", Removal.groups("app"), Removal.path(directory.resolve("app.state")));
        group.remove();

        leftovers.removeAll();
        assertThat(removed).containsExactly(Removal.groups("perf"), Removal.groups("app"),
                Removal.path(directory.resolve("app.state")), Removal.topics(List.of("events")));

        leftovers.removeAll();
        assertThat(removed).as("nothing is removed twice").hasSize(4);
        assertThat(leftovers.journal()).as("nothing is left to write down").doesNotExist();
    }

    @Test
    void theJournalListsExactlyWhatIsPending() throws Exception {
        Leftovers leftovers = new Leftovers(directory, removed::add);
        Leftovers.Leftover topics = leftovers.add("the event topics", Removal.topics(List.of("run.a", "run.b")));
        leftovers.add("the application", Removal.topicsStartingWith("run-app-", "run-app."), Removal.groups("run-app"));

        assertThat(Files.readAllLines(leftovers.journal())).containsExactly(
                "the event topics", "\ttopics\trun.a\trun.b",
                "the application", "\ttopics_starting_with\trun-app-\trun-app.", "\tgroups\trun-app");

        topics.remove();
        assertThat(Files.readAllLines(leftovers.journal())).containsExactly(
                "the application", "\ttopics_starting_with\trun-app-\trun-app.", "\tgroups\trun-app");
    }

    @Test
    void theNextRunRemovesWhatAKilledRunListed() throws Exception {
        Path orphan = directory.resolve("leftovers-" + NO_PROCESS + "-1.txt");
        Files.write(orphan, List.of(
                "the event topics", "\ttopics\trun.a",
                "the simulator connector", "\tconnector\tsim",
                "the application", "\tprocess\t" + NO_PROCESS + "\t1", "\tgroups\trun-app"));
        Leftovers alive = new Leftovers(directory, removal -> {
            throw new AssertionError("a live run's journal is not taken");
        });
        alive.add("the live run's topics", Removal.topics(List.of("live")));

        Leftovers.removeOrphans(directory, removed::add);

        assertThat(removed).as("newest leftover first, each one's steps in order").containsExactly(
                Removal.parse("process\t" + NO_PROCESS + "\t1"), Removal.groups("run-app"), Removal.connector("sim"),
                Removal.topics(List.of("run.a")));
        assertThat(orphan).doesNotExist();
        assertThat(alive.journal()).exists();
    }

    @Test
    void aKilledRunsJournalStaysWhenAStepFails() throws Exception {
        Path orphan = directory.resolve("leftovers-" + NO_PROCESS + "-1.txt");
        Files.write(orphan, List.of("the event topics", "\ttopics\trun.a", "the connector", "\tconnector\tsim"));

        Leftovers.removeOrphans(directory, removal -> {
            if (removal.kind() == Removal.Kind.CONNECTOR) {
                throw new IllegalStateException("Connect is down");
            }
            removed.add(removal);
        });

        assertThat(removed).as("the other leftovers are still removed")
                .containsExactly(Removal.topics(List.of("run.a")));
        assertThat(orphan).as("kept for the next run").exists();
    }

    @Test
    void aProcessIsStoppedOnlyIfItIsTheOneThatWasStarted() throws Exception {
        Process sleeper = new ProcessBuilder("sleep", "60").start();
        try {
            long started = Removal.startMillis(sleeper.toHandle());
            new Removal(Removal.Kind.PROCESS, List.of(Long.toString(sleeper.pid()), Long.toString(started - 10_000)))
                    .stopProcess();
            assertThat(sleeper.isAlive()).as("another process that got the same id is left alone").isTrue();

            Removal.process(sleeper.toHandle()).stopProcess();
            assertThat(sleeper.isAlive()).isFalse();
            Removal.process(sleeper.toHandle()).stopProcess();
        } finally {
            sleeper.destroyForcibly();
        }
    }

    @Test
    void stepsReadBackAsWritten() {
        for (Removal step : List.of(Removal.connector("sim"), Removal.topics(List.of("a", "b")),
                Removal.topicsStartingWith("x-"), Removal.groups("g"), Removal.path(Path.of("/tmp/a b")),
                Removal.process(ProcessHandle.current()))) {
            assertThat(Removal.parse(step.line())).isEqualTo(step);
        }
    }
}
