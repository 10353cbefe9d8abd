package lab.grokking.server.queue;

/**
 * One run waiting for a worker. Lower {@code priority} goes first (0: classroom-sized runs, 1: larger ones);
 * {@code client} is who asked for it, the unit of fairness and of limits.
 */
public record Job(String runId, String client, int priority, Runnable body) {}
