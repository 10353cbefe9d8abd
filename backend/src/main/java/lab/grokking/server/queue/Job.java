package lab.grokking.server.queue;

/**
 * One run waiting for a worker. Lower {@code priority} goes first (0: classroom-sized runs, 1: larger ones);
 * {@code client} is who asked for it, the unit of fairness and of limits; {@code address} the address it came from,
 * the unit of the coarser address limits shared by every client behind it.
 */
public record Job(String runId, String client, String address, int priority, Runnable body) {
    /** A job whose client is its own address group (runs recovered after a restart, tests). */
    public Job(String runId, String client, int priority, Runnable body) {
        this(runId, client, client, priority, body);
    }
}
