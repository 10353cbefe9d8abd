package lab.grokking.server.queue;

/** A client (or the whole queue) is at a configured limit; the message names it (a budget: {@code BudgetException}). */
public class QueueLimitException extends RuntimeException {
    private final String limit;

    public QueueLimitException(String limit, String message) {
        super(message);
        this.limit = limit;
    }

    /** The setting that was hit, e.g. "perClientQueued". */
    public String limit() {
        return limit;
    }
}
