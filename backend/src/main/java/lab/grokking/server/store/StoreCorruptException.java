package lab.grokking.server.store;

import java.nio.file.Path;

/**
 * runs.db failed the start-up check ({@link StoreCheck}); the message is one sentence naming the file, the first
 * problem and the repair. An {@link IllegalStateException} so the CLI prints it as one line.
 */
public final class StoreCorruptException extends IllegalStateException {
    private static final long serialVersionUID = 1L;

    private final transient Path file;

    StoreCorruptException(Path file, String message, Throwable cause) {
        super(message, cause);
        this.file = file;
    }

    /** The damaged database file. */
    public Path file() {
        return file;
    }
}
