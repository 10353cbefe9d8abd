package lab.grokking.server.queue;

/** A client (or the whole queue) is at a configured limit; the message names it (a budget: {@code BudgetException}). */
public class QueueLimitException extends RuntimeException {
    private final String limit;

    public QueueLimitException(String limit, String message) {
        super(message);
        this.limit = limit;
    }

    /** A client with {@code waiting} runs waiting, at the limit {@code queue.perClientQueued}. */
    public static QueueLimitException perClientQueued(int waiting, int limit) {
        return new QueueLimitException(
                "perClientQueued",
                "this client already has " + waiting + " runs waiting (limit queue.perClientQueued = " + limit
                        + "); wait for one to start or cancel one");
    }

    /** The queue holds {@code waiting} runs, at the limit {@code queue.maxQueued}. */
    public static QueueLimitException maxQueued(int waiting, int limit) {
        return new QueueLimitException(
                "maxQueued",
                "the server's queue is full (" + waiting + " runs waiting, limit queue.maxQueued = " + limit
                        + "); try again later");
    }

    /** The setting that was hit, e.g. "perClientQueued". */
    public String limit() {
        return limit;
    }
}
