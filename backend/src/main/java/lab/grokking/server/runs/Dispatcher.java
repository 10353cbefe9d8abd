package lab.grokking.server.runs;

/**
 * Cluster mode's dispatch loop on one thread: runs {@code round} (claim runs while this member has free workers) when
 * woken — a run was queued on any member, a worker here ended — and at least every {@link #POLL_MILLIS}, which also
 * picks up the runs of a member that died (no message says so).
 */
final class Dispatcher implements AutoCloseable {
    /** The longest a free worker waits for a run queued without a wake-up reaching it. */
    static final long POLL_MILLIS = 500;

    private static final System.Logger LOG = System.getLogger(Dispatcher.class.getName());

    private final Runnable round;
    private final Thread thread;
    private boolean woken, closed; // guarded by this

    Dispatcher(String name, Runnable round) {
        this.round = round;
        thread = new Thread(this::loop, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Asks for a round now (returns at once: safe on a messaging thread). */
    synchronized void wake() {
        woken = true;
        notifyAll();
    }

    private void loop() {
        while (true) {
            synchronized (this) {
                if (!woken && !closed)
                    try {
                        wait(POLL_MILLIS);
                    } catch (InterruptedException e) {
                        return;
                    }
                if (closed) return;
                woken = false;
            }
            try {
                round.run();
            } catch (RuntimeException e) { // the store's trouble is counted by the round; the next one tries again
                LOG.log(System.Logger.Level.WARNING, "dispatch: " + e.getMessage());
            }
        }
    }

    @Override
    public void close() {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        try {
            thread.join(5_000);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
