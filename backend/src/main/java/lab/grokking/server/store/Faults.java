package lab.grokking.server.store;

import java.util.concurrent.atomic.AtomicInteger;

/**
 * Fault injection for the crash tests: with {@code -Dgroklab.faults.haltInCheckpoint=N} the JVM halts (no
 * shutdown hook, exit status 99) inside the N-th checkpoint's transaction, after its rows are written and before
 * the commit: the moment a kill would lose data if the store were not atomic. Off unless the property is set.
 */
final class Faults {
    static final int HALT_STATUS = 99;
    private static final int HALT_AT = Integer.getInteger("groklab.faults.haltInCheckpoint", 0);
    private static final AtomicInteger CHECKPOINTS = new AtomicInteger();

    private Faults() {}

    static void inCheckpointTransaction() {
        if (HALT_AT > 0 && CHECKPOINTS.incrementAndGet() == HALT_AT)
            Runtime.getRuntime().halt(HALT_STATUS);
    }
}
