package lab.grokking.server.store;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.HashSet;
import java.util.Set;

/**
 * An exclusive OS lock on DATA_DIR/.lock, held by the one process that owns the data directory (a server, or a
 * restore while it replaces runs.db). The file holds the owner's pid for the refusal message. The OS drops the lock
 * when its process dies, so a killed server leaves nothing to clean up; the file itself stays (deleting it would let
 * two processes lock two different files of the same name).
 */
public final class DataDirLock implements AutoCloseable {
    public static final String FILE = ".lock";

    /** Lock files this JVM holds: a second channel on one of them must never be opened (see {@link #acquire}). */
    private static final Set<Path> HELD = new HashSet<>();

    private final Path file;
    private final FileChannel channel;
    private final FileLock lock;

    private DataDirLock(Path file, FileChannel channel, FileLock lock) {
        this.file = file;
        this.channel = channel;
        this.lock = lock;
    }

    /**
     * Locks the directory (creating it if needed), or throws an IllegalStateException of one sentence naming the
     * holder's pid and the directory, ending with {@code remedy}.
     */
    public static DataDirLock acquire(Path dataDir, String remedy) {
        FileChannel ch = null;
        Path file = dataDir.resolve(FILE);
        try {
            Files.createDirectories(dataDir);
            file = dataDir.toRealPath().resolve(FILE);
            synchronized (HELD) {
                // POSIX locks belong to the process, and closing any channel on the file drops them all: a holder
                // in this JVM is answered from here, without opening the file again
                if (HELD.contains(file))
                    throw refusal(String.valueOf(ProcessHandle.current().pid()), dataDir, remedy);
                ch = FileChannel.open(
                        file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
                FileLock lock = ch.tryLock();
                if (lock == null) {
                    String pid = holder(ch);
                    ch.close();
                    throw refusal(pid, dataDir, remedy);
                }
                ch.truncate(0);
                ch.write(ByteBuffer.wrap((ProcessHandle.current().pid() + "\n").getBytes(StandardCharsets.US_ASCII)));
                ch.force(false);
                HELD.add(file);
                return new DataDirLock(file, ch, lock);
            }
        } catch (IOException e) {
            closeQuietly(ch);
            throw new UncheckedIOException("cannot lock " + file + ": " + Backups.why(e), e);
        }
    }

    private static IllegalStateException refusal(String pid, Path dataDir, String remedy) {
        return new IllegalStateException("another Grokking Lab server (pid " + pid + ") is using "
                + dataDir.toAbsolutePath().normalize() + "; " + remedy);
    }

    /** The pid the holder wrote; "unknown" in the instant between its lock and its write. */
    private static String holder(FileChannel ch) throws IOException {
        ByteBuffer b = ByteBuffer.allocate(32);
        ch.read(b, 0);
        String pid = new String(b.array(), 0, b.position(), StandardCharsets.US_ASCII).trim();
        return pid.matches("\\d+") ? pid : "unknown";
    }

    private static void closeQuietly(FileChannel ch) {
        if (ch == null) return;
        try {
            ch.close();
        } catch (IOException ignored) {
            // already failing; the first error is the one reported
        }
    }

    @Override
    public void close() {
        synchronized (HELD) {
            if (!HELD.remove(file)) return; // closed already
            try {
                lock.release();
            } catch (IOException ignored) {
                // closing the channel below releases it too
            } finally {
                closeQuietly(channel);
            }
        }
    }
}
