package lab.grokking.server.store;

/**
 * A fenced write by a claim that is no longer the run's: another member claimed it since (or it was released, or its
 * status was set by whoever holds no claim). Nothing was written; the attempt must stop. Not a {@link StoreException}:
 * the store is healthy.
 */
public final class OwnershipLostException extends RuntimeException {
    private final Claim claim;

    public OwnershipLostException(Claim claim, String currentOwner, Long currentEpoch) {
        super("run " + claim.runId() + ": the claim of " + claim.owner() + " at epoch " + claim.epoch() + " is stale ("
                + (currentEpoch == null
                        ? "the run is gone"
                        : "now " + (currentOwner == null ? "unowned" : "owned by " + currentOwner) + " at epoch "
                                + currentEpoch)
                + "); nothing was written");
        this.claim = claim;
    }

    /** The stale claim. */
    public Claim claim() {
        return claim;
    }
}
