package dev.segmentation.stack.bench;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;

/** What a run created is removed once: by the run when it is done with it, or at exit when it stopped part-way. */
class LeftoversTest {

    private final List<String> removed = new ArrayList<>();

    @Test
    void whatTheRunRemovedIsNotRemovedAgainAtExit() throws Exception {
        Leftovers leftovers = new Leftovers();
        Leftovers.Leftover topics = leftovers.add("topics", () -> removed.add("topics"));
        topics.remove();
        topics.remove();
        leftovers.removeAll();

        assertThat(removed).containsExactly("topics");
    }

    @Test
    void atExitTheRestGoesNewestFirstPastAFailure() throws Exception {
        Leftovers leftovers = new Leftovers();
        leftovers.add("event topics", () -> removed.add("event topics"));
        leftovers.add("connector", () -> {
            throw new IllegalStateException("Connect is gone");
        });
        Leftovers.Leftover group = leftovers.add("perf group", () -> removed.add("perf group"));
        leftovers.add("application", () -> removed.add("application"));
        group.remove();

        leftovers.removeAll();
        assertThat(removed).containsExactly("perf group", "application", "event topics");

        leftovers.removeAll();
        assertThat(removed).as("nothing is removed twice").hasSize(3);
    }
}
