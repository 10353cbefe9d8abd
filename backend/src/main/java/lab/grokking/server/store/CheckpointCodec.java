package lab.grokking.server.store;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.zip.CRC32;
import lab.grokking.core.Checkpoint;

/**
 * The bytes of a stored {@link Checkpoint}, in a format that another process (another JVM, a later build, a tool in
 * another language) can read without this class.
 *
 * <h2>Format 1 (written)</h2>
 * All integers are two's complement, little-endian (the byte order of the metric rows and of format 0); values are
 * IEEE-754 binary64, little-endian, written bit for bit (NaN payloads, -0.0 and infinities survive).
 * <pre>
 * offset  bytes     field
 * 0       4         magic: ASCII "GLCP" (0x47 0x4C 0x43 0x50)
 * 4       4         format version, int32: 1
 * 8       8         step, int64, &gt;= 0
 * 16      4         array count n, int32, &gt;= 0
 * 20      ...       n times: length m, int32 &gt;= 0, then m float64 values (8·m bytes)
 * end-4   4         CRC32 (zlib's, {@link java.util.zip.CRC32}) of every byte before it, as uint32
 * </pre>
 * A reader checks the magic, then the version (a version it does not know is refused, before anything else is
 * read: a later format may move the checksum), then the checksum, then the layout, which must end exactly at the
 * checksum. An empty state (n = 0) is 24 bytes.
 *
 * <h2>Format 0 (legacy, read only)</h2>
 * What builds before format 1 wrote: no magic, no version, no step (the store keeps it in its own column), no
 * checksum (the store's crc column covers the blob): array count n int32, then n times length m int32 and m
 * float64, all little-endian. A blob that does not begin with the magic is format 0. No format-0 blob can begin with
 * the magic: read as its count, "GLCP" is 1,346,587,719 arrays, at least 5.4 GB, beyond SQLite's largest blob.
 */
public final class CheckpointCodec {
    /** The format {@link #encode} writes, and the newest {@link #decode} reads. */
    public static final int VERSION = 1;

    static final byte[] MAGIC = {'G', 'L', 'C', 'P'};
    private static final int HEADER = MAGIC.length + 4 + 8 + 4;
    private static final int TRAILER = 4;

    private CheckpointCodec() {}

    /** The checkpoint in the newest format. */
    public static byte[] encode(Checkpoint cp) {
        double[][] state = cp.state();
        long bytes = HEADER + TRAILER;
        for (double[] a : state) bytes += 4 + 8L * a.length;
        if (bytes > Integer.MAX_VALUE - 8)
            throw new IllegalArgumentException("checkpoint of " + bytes + " bytes is too large to store");
        ByteBuffer b = ByteBuffer.allocate((int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        b.put(MAGIC).putInt(VERSION).putLong(cp.step()).putInt(state.length);
        for (double[] a : state) {
            b.putInt(a.length);
            for (double v : a) b.putLong(Double.doubleToRawLongBits(v));
        }
        b.putInt((int) crc(b.array(), b.position()));
        return b.array();
    }

    /**
     * Reads a checkpoint in any known format.
     *
     * @param legacyStep the step of a format-0 blob, which holds none (the store's step column); format 1 carries its own
     * @throws CorruptCheckpointException if the bytes are truncated, fail the checksum or do not follow the layout
     * @throws UnsupportedFormatException if they are in a format newer than this build's
     */
    public static Checkpoint decode(byte[] blob, long legacyStep) {
        if (blob == null) throw new CorruptCheckpointException("checkpoint is null");
        if (!hasMagic(blob))
            return new Checkpoint(
                    legacyStep, arrays(ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN), "format-0 "));
        if (blob.length < MAGIC.length + 4)
            throw new CorruptCheckpointException(
                    "checkpoint truncated: " + blob.length + " bytes, its header alone has " + HEADER);
        ByteBuffer b = ByteBuffer.wrap(blob).order(ByteOrder.LITTLE_ENDIAN).position(MAGIC.length);
        int version = b.getInt();
        if (version == 0)
            throw new CorruptCheckpointException("checkpoint has the magic but format version 0, which has none");
        if (Integer.compareUnsigned(version, VERSION) > 0)
            throw new UnsupportedFormatException(
                    version,
                    "checkpoint is in format version " + Integer.toUnsignedString(version)
                            + "; this build reads versions up to " + VERSION
                            + " (it was written by a newer Grokking Lab, or is corrupt)");
        if (blob.length < HEADER + TRAILER)
            throw new CorruptCheckpointException("checkpoint truncated: " + blob.length + " bytes, a format-" + version
                    + " checkpoint has at least " + (HEADER + TRAILER));
        int body = blob.length - TRAILER;
        long stored = ByteBuffer.wrap(blob, body, TRAILER)
                        .order(ByteOrder.LITTLE_ENDIAN)
                        .getInt()
                & 0xFFFFFFFFL;
        long computed = crc(blob, body);
        if (stored != computed)
            throw new CorruptCheckpointException("checkpoint fails its CRC32 (stored " + Long.toHexString(stored)
                    + ", computed " + Long.toHexString(computed) + " over " + body + " bytes): truncated or corrupt");
        long step = b.getLong();
        if (step < 0) throw new CorruptCheckpointException("checkpoint has a negative step " + step);
        return new Checkpoint(step, arrays(b.limit(body), "format-" + version + " "));
    }

    /** Whether the blob begins with the magic of format 1 and later (else it is format 0). */
    static boolean hasMagic(byte[] blob) {
        if (blob.length < MAGIC.length) return false;
        for (int i = 0; i < MAGIC.length; i++) if (blob[i] != MAGIC[i]) return false;
        return true;
    }

    /** Count, then per array length and values, ending exactly at the buffer's limit; sizes are checked before allocating. */
    private static double[][] arrays(ByteBuffer b, String format) {
        if (b.remaining() < 4) throw new CorruptCheckpointException(format + "checkpoint truncated: no array count");
        int n = b.getInt();
        if (n < 0 || n > b.remaining() / 4)
            throw new CorruptCheckpointException(
                    format + "checkpoint claims " + n + " arrays in " + b.remaining() + " bytes");
        double[][] s = new double[n][];
        for (int i = 0; i < n; i++) {
            if (b.remaining() < 4)
                throw new CorruptCheckpointException(
                        format + "checkpoint truncated in the length of array " + i + " of " + n);
            int m = b.getInt();
            if (m < 0 || m > b.remaining() / 8)
                throw new CorruptCheckpointException(format + "checkpoint truncated or corrupt: array " + i + " of " + n
                        + " claims " + m + " values, " + b.remaining() + " bytes are left");
            s[i] = new double[m];
            for (int k = 0; k < m; k++) s[i][k] = Double.longBitsToDouble(b.getLong());
        }
        if (b.hasRemaining())
            throw new CorruptCheckpointException(
                    format + "checkpoint has " + b.remaining() + " bytes after its last array");
        return s;
    }

    private static long crc(byte[] b, int length) {
        CRC32 crc = new CRC32();
        crc.update(b, 0, length);
        return crc.getValue();
    }

    /** The bytes are not a readable checkpoint: the message says how. */
    public static class CheckpointFormatException extends IllegalArgumentException {
        CheckpointFormatException(String message) {
            super(message);
        }
    }

    /** Truncated, failing the checksum, or not following the layout. */
    public static final class CorruptCheckpointException extends CheckpointFormatException {
        CorruptCheckpointException(String message) {
            super(message);
        }
    }

    /** Written in a format version this build does not know (by a newer build, presumably). */
    public static final class UnsupportedFormatException extends CheckpointFormatException {
        private final int version;

        UnsupportedFormatException(int version, String message) {
            super(message);
            this.version = version;
        }

        public int version() {
            return version;
        }
    }
}
