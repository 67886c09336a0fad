package dev.segmentation.stack.bench;

import java.util.ArrayList;
import java.util.List;

/**
 * What a benchmark run has created on the stack and not removed yet: a connector, topics, consumer groups, a process
 * and its state. The run removes each one itself when it is done with it ({@link Leftover#remove}). A run stopped
 * part-way, by Ctrl-C or a signal, removes the rest from a shutdown hook ({@link #removeAllOnExit}), so that it does
 * not leave a connector still writing, hundreds of megabytes of event topics, or the application's topics and
 * groups behind on the user's stack.
 *
 * <p>One lock serializes the run's removals and the hook's: each is made once, by whichever comes first, and a
 * removal the run has begun finishes before the hook looks at what is left.
 */
final class Leftovers {

    /** Removes one thing from the stack. */
    @FunctionalInterface
    interface Removal {
        void run() throws Exception;
    }

    /** One thing to remove, once. */
    final class Leftover {

        private final String what;
        private final Removal removal;

        private Leftover(String what, Removal removal) {
            this.what = what;
            this.removal = removal;
        }

        /** Removes it now, unless the shutdown hook already has. */
        void remove() throws Exception {
            synchronized (Leftovers.this) {
                if (pending.remove(this)) {
                    removal.run();
                }
            }
        }
    }

    private final List<Leftover> pending = new ArrayList<>();

    /** Lists something the run has just created, with how to remove it. */
    synchronized Leftover add(String what, Removal removal) {
        Leftover leftover = new Leftover(what, removal);
        pending.add(leftover);
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
            Leftover leftover = pending.remove(i);
            System.out.printf("Stopped part-way: removing %s%n", leftover.what);
            try {
                leftover.removal.run();
            } catch (Exception e) {
                System.out.printf("  could not remove %s: %s%n", leftover.what, e);
            }
        }
    }
}
