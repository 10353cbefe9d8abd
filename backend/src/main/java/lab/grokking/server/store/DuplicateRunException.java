package lab.grokking.server.store;

/**
 * An insert of a run whose config key already has a run that was not removed (perhaps inserted by another member at
 * the same moment): the store keeps one run per key.
 */
public final class DuplicateRunException extends RuntimeException {
    private final String existingId;

    public DuplicateRunException(String configKey, String existingId) {
        super("config key " + configKey + " already has run " + existingId);
        this.existingId = existingId;
    }

    /** The run that holds the key. */
    public String existingId() {
        return existingId;
    }
}
