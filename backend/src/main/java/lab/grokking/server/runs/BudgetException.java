package lab.grokking.server.runs;

import java.util.OptionalLong;
import lab.grokking.server.queue.QueueLimitException;

/**
 * A submission would take its client over a budget (see {@link Budgets}); {@link #limit} is the setting's name. A queue
 * limit too, so whatever shows those (the dashboard) shows this.
 */
public final class BudgetException extends QueueLimitException {
    private final OptionalLong retryAfterSeconds;

    BudgetException(String setting, String message, OptionalLong retryAfterSeconds) {
        super(setting, message);
        this.retryAfterSeconds = retryAfterSeconds;
    }

    /** When the same submission could fit (empty: not foreseeable, or never). */
    public OptionalLong retryAfterSeconds() {
        return retryAfterSeconds;
    }
}
