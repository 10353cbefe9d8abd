package lab.grokking.server.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fault injection for the crash tests: with {@code -Dgroklab.faults.haltInCheckpoint=N} the JVM halts (no
 * shutdown hook, exit status 99) inside the N-th checkpoint's transaction, after its rows are written and before
 * the commit: the moment a kill would lose data if the store were not atomic. With
 * {@code -Dgroklab.faults.stopInCheckpointOnFile=PATH} the JVM that deletes PATH (once it exists; one JVM of a
 * cluster wins) sends itself SIGSTOP at that moment: a member frozen with its run's row locked. Off unless set.
 */
final class Faults {
    static final int HALT_STATUS = 99;
    private static final int HALT_AT = Integer.getInteger("groklab.faults.haltInCheckpoint", 0);
    private static final AtomicInteger CHECKPOINTS = new AtomicInteger();
    private static final String STOP_ON = System.getProperty("groklab.faults.stopInCheckpointOnFile");

    private Faults() {}

    static void inCheckpointTransaction() {
        if (HALT_AT > 0 && CHECKPOINTS.incrementAndGet() == HALT_AT)
            Runtime.getRuntime().halt(HALT_STATUS);
        if (STOP_ON != null) stopIfAsked(Path.of(STOP_ON));
    }

    private static void stopIfAsked(Path file) {
        try {
            if (!Files.deleteIfExists(file)) return;
            String pid = Long.toString(ProcessHandle.current().pid());
            new ProcessBuilder("kill", "-STOP", pid).start().waitFor(); // returns after SIGCONT
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
