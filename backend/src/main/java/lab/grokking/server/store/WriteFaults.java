package lab.grokking.server.store;

import java.sql.Connection;
import java.sql.SQLException;

/**
 * The fault-injection seam of the SQLite store: it sees every write (and every commit) before it runs and may
 * throw what SQLite would, e.g. SQLITE_FULL in the middle of a checkpoint. Production uses {@link #NONE}.
 */
public interface WriteFaults {
    WriteFaults NONE = new WriteFaults() {};

    /** Before a write statement; {@code what} names it as errors do ("save the checkpoint of …"). */
    default void beforeWrite(String what, Connection c) throws SQLException {}

    /** Before a transaction commits; {@code what} names the transaction ("checkpoint …", "finish …"). */
    default void beforeCommit(String what, Connection c) throws SQLException {}
}
