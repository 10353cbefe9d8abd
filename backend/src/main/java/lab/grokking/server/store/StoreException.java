package lab.grokking.server.store;

import java.sql.SQLException;
import java.util.Locale;

/**
 * A store operation that failed, with what kind of failure it was: the run service pauses runs and refuses
 * submissions while the store cannot take writes ({@link #writeBlocked()}), and reports a corrupt store as such,
 * instead of failing runs for a reason that is not theirs.
 */
public final class StoreException extends IllegalStateException {
    /** What went wrong, from SQLite's primary result code or PostgreSQL's SQLSTATE (see {@link SqlDialect}). */
    public enum Kind {
        /** SQLITE_FULL: the disk (or a quota) is full. */
        FULL,
        /** SQLITE_IOERR, SQLITE_CANTOPEN: the file system refused a read or write. */
        IO,
        /** SQLITE_READONLY: the file or its directory became read-only. */
        READ_ONLY,
        /** SQLITE_CORRUPT, SQLITE_NOTADB: the file is damaged. */
        CORRUPT,
        /** Anything else (a constraint, a bug, a closed connection). */
        OTHER;

        /** "disk full", "I/O error", ...: how it reads in a message. */
        public String words() {
            return switch (this) {
                case FULL -> "disk full";
                case IO -> "I/O error";
                case READ_ONLY -> "read-only";
                case CORRUPT -> "corrupt";
                case OTHER -> "error";
            };
        }
    }

    private final Kind kind;

    public StoreException(Kind kind, String message, Throwable cause) {
        super(message, cause);
        this.kind = kind;
    }

    public Kind kind() {
        return kind;
    }

    /** The store cannot take writes now but may later (space freed, file system remounted): pause, do not fail. */
    public boolean writeBlocked() {
        return kind == Kind.FULL || kind == Kind.IO || kind == Kind.READ_ONLY;
    }

    /** SQLite's primary result codes (the low byte of an extended code), see sqlite.org/rescode.html. */
    static Kind kindOf(SQLException e) {
        int code = e.getErrorCode() & 0xff;
        return switch (code) {
            case 13 -> Kind.FULL;
            case 10, 14 -> Kind.IO;
            case 8 -> Kind.READ_ONLY;
            case 11, 26 -> Kind.CORRUPT;
            default -> fromMessage(e.getMessage());
        };
    }

    /** sqlite-jdbc sometimes reports a code of 0 with SQLite's text in the message. */
    private static Kind fromMessage(String m) {
        String s = m == null ? "" : m.toUpperCase(Locale.ROOT);
        if (s.contains("SQLITE_FULL") || s.contains("DATABASE OR DISK IS FULL")) return Kind.FULL;
        if (s.contains("SQLITE_IOERR") || s.contains("DISK I/O ERROR") || s.contains("SQLITE_CANTOPEN")) return Kind.IO;
        if (s.contains("SQLITE_READONLY")) return Kind.READ_ONLY;
        if (s.contains("SQLITE_CORRUPT") || s.contains("SQLITE_NOTADB") || s.contains("MALFORMED")) return Kind.CORRUPT;
        return Kind.OTHER;
    }
}
