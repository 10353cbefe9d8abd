package lab.grokking.server.runs;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import lab.grokking.server.store.RunStore;
import lab.grokking.server.store.StoreException;

/**
 * Whether the store takes writes, and why not: set by the first write it refused (a full disk, an I/O error), cleared
 * by the probe's successful write. Also the free space of the data directory against {@code store.minFreeBytes}.
 */
final class StoreHealth {
    private final RunStore store;
    private final long minFreeBytes;
    private volatile StoreException blocked; // null: the last write went through
    private volatile String corrupt;

    StoreHealth(RunStore store, long minFreeBytes) {
        this.store = store;
        this.minFreeBytes = minFreeBytes;
    }

    /** Records a failed store operation; returns whether it blocks writes (runs pause, submissions wait). */
    boolean failed(RuntimeException e) {
        if (!(e instanceof StoreException s)) return false;
        if (s.kind() == StoreException.Kind.CORRUPT) corrupt = s.getMessage();
        if (!s.writeBlocked()) return false;
        blocked = s;
        return true;
    }

    void writable() {
        blocked = null;
    }

    boolean isWritable() {
        return blocked == null;
    }

    /** Bytes free where the store lives (-1: unknown, e.g. a database server's disk). */
    long freeBytes() {
        return store.freeBytes();
    }

    boolean enoughSpace() {
        long free = freeBytes();
        return free < 0 || free >= minFreeBytes;
    }

    /** Why the store takes no writes, in words a user can act on; null when it does. */
    String reason() {
        return reason(freeBytes());
    }

    /** As {@link #reason()}, with the free bytes already read. */
    private String reason(long free) {
        StoreException b = blocked;
        if (b == null) return null;
        if (free < 0) // a database server (PostgreSQL): its disk is not this process's to measure
        return switch (b.kind()) {
                case FULL -> "the disk of the store (" + store.location() + ") is full";
                case READ_ONLY -> "the store (" + store.location() + ") became read-only";
                default -> "the store (" + store.location() + ") refused a write (" + b.getMessage() + ")";
            };
        return switch (b.kind()) {
            case FULL -> "the disk holding " + store.location() + " is full (" + mb(free) + " free)";
            case READ_ONLY -> "the store in " + store.location() + " became read-only";
            default ->
                "the file system refused a write to the store in " + store.location() + " (" + b.getMessage() + ")";
        };
    }

    /** A paused run's message. */
    String pausedMessage() {
        String why = reason();
        return why == null
                ? "paused: the store refused the run's last write; it resumes when the store takes writes"
                : "paused: " + why + "; it resumes by itself when space is available (at its last checkpoint)";
    }

    /** Refuses a write that would only fail (a new run) while the store is blocked. */
    void requireWritable() {
        StoreException b = blocked;
        if (b != null)
            throw new StoreException(
                    b.kind(), "new runs are refused while " + reason() + "; reads still work; try again later", b);
    }

    /**
     * What makes health "degraded"; empty when all is well. {@code free}: the free bytes, read once by the caller (one
     * file-system query per health answer).
     */
    List<String> problems(long free) {
        List<String> out = new ArrayList<>();
        String why = reason(free);
        if (why != null) out.add("store not writable: " + why);
        if (free >= 0 && free < minFreeBytes)
            out.add("free space " + mb(free) + " in " + store.location() + " is below store.minFreeBytes ("
                    + mb(minFreeBytes) + ")");
        if (corrupt != null) out.add("store corrupt: " + corrupt);
        return out;
    }

    static String mb(long bytes) {
        return String.format(Locale.ROOT, "%.1f MB", bytes / 1e6);
    }
}
