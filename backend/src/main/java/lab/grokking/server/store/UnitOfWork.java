package lab.grokking.server.store;

/**
 * Runs repository calls as one transaction: all of their writes land, or none. A call made while a transaction is
 * open (on this thread) joins it, so a repository method never needs to know whether it is part of a larger unit.
 */
public interface UnitOfWork {
    /** Runs {@code body} in a transaction (or in the one already open); {@code what} names it in errors. */
    void inTransaction(String what, Runnable body);
}
