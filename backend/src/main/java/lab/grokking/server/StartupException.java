package lab.grokking.server;

/**
 * The server could not start: one sentence saying what and what to do (the CLI prints it as one line; the stack
 * trace goes to the log at DEBUG). An {@link IllegalStateException}, the CLI's kind of expected failure.
 */
public final class StartupException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    StartupException(String message, Throwable cause) {
        super(message, cause);
    }
}
