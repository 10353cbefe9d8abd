package lab.grokking.server.store;

import static org.junit.jupiter.api.Assertions.*;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.zip.CRC32;
import lab.grokking.core.Checkpoint;
import lab.grokking.server.store.CheckpointCodec.CorruptCheckpointException;
import lab.grokking.server.store.CheckpointCodec.UnsupportedFormatException;
import org.junit.jupiter.api.Test;

/** The checkpoint format: bit-exact round trips, the legacy format still read, damage and future versions refused by name. */
class CheckpointCodecTest {
    static final double[][] ODD = {
        {1, 2, Math.E},
        {},
        {
            Double.NaN,
            Double.longBitsToDouble(0x7ff8_0000_dead_beefL),
            -0.0,
            0.0,
            Double.POSITIVE_INFINITY,
            Double.NEGATIVE_INFINITY,
            Double.MIN_VALUE,
            -Double.MAX_VALUE,
            1e-300
        }
    };

    static void assertBitExact(double[][] want, double[][] got) {
        assertEquals(want.length, got.length);
        for (int i = 0; i < want.length; i++) {
            assertEquals(want[i].length, got[i].length, "array " + i);
            for (int k = 0; k < want[i].length; k++)
                assertEquals(
                        Double.doubleToRawLongBits(want[i][k]),
                        Double.doubleToRawLongBits(got[i][k]),
                        "array " + i + " value " + k);
        }
    }

    /** What SqliteRunStore wrote before the codec: count, then length and values per array, little-endian, no header. */
    static byte[] legacy(double[][] state) {
        int bytes = 4;
        for (double[] a : state) bytes += 4 + 8 * a.length;
        ByteBuffer b = ByteBuffer.allocate(bytes).order(ByteOrder.LITTLE_ENDIAN);
        b.putInt(state.length);
        for (double[] a : state) {
            b.putInt(a.length);
            for (double v : a) b.putDouble(v);
        }
        return b.array();
    }

    @Test
    void roundTripsBitForBit() {
        Checkpoint cp = CheckpointCodec.decode(CheckpointCodec.encode(new Checkpoint(123_456_789_012L, ODD)), -1);
        assertEquals(123_456_789_012L, cp.step(), "format 1 carries its own step");
        assertBitExact(ODD, cp.state());
    }

    @Test
    void emptyStatesRoundTrip() {
        byte[] none = CheckpointCodec.encode(new Checkpoint(0, new double[0][]));
        assertEquals(24, none.length, "header and checksum only");
        assertEquals(0, CheckpointCodec.decode(none, 7).state().length);
        assertBitExact(
                new double[][] {{}, {}},
                CheckpointCodec.decode(CheckpointCodec.encode(new Checkpoint(3, new double[][] {{}, {}})), 7)
                        .state());
    }

    @Test
    void theLayoutIsTheDocumentedOne() {
        byte[] b = CheckpointCodec.encode(new Checkpoint(5, new double[][] {{1.5}}));
        ByteBuffer r = ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN);
        assertArrayEquals("GLCP".getBytes(StandardCharsets.US_ASCII), Arrays.copyOf(b, 4));
        assertEquals(1, r.getInt(4), "version");
        assertEquals(5, r.getLong(8), "step");
        assertEquals(1, r.getInt(16), "array count");
        assertEquals(1, r.getInt(20), "length");
        assertEquals(1.5, r.getDouble(24));
        CRC32 crc = new CRC32();
        crc.update(b, 0, 32);
        assertEquals(crc.getValue(), r.getInt(32) & 0xFFFFFFFFL, "CRC32 of everything before it");
        assertEquals(36, b.length);
    }

    @Test
    void theLegacyFormatStillDecodesWithTheStepFiledBesideIt() {
        Checkpoint cp = CheckpointCodec.decode(legacy(ODD), 42);
        assertEquals(42, cp.step());
        assertBitExact(ODD, cp.state());
        assertEquals(0, CheckpointCodec.decode(legacy(new double[0][]), 1).state().length);
    }

    @Test
    void everyTruncationAndEveryFlippedBitIsReportedAsCorrupt() {
        byte[] b = CheckpointCodec.encode(new Checkpoint(9, new double[][] {{1, 2}, {3}}));
        for (int n = 0; n < b.length; n++) {
            byte[] cut = Arrays.copyOf(b, n);
            // a cut inside the magic leaves no magic: then it reads as format 0, which is also refused as truncated
            CorruptCheckpointException e =
                    assertThrows(CorruptCheckpointException.class, () -> CheckpointCodec.decode(cut, 0), "cut at " + n);
            assertNotNull(e.getMessage());
        }
        for (int i = 0; i < b.length; i++) {
            if (i >= 4 && i < 8) continue; // the version: named differently (below)
            for (int bit = 0; bit < 8; bit++) {
                byte[] bad = b.clone();
                bad[i] ^= (byte) (1 << bit);
                assertThrows(
                        CorruptCheckpointException.class,
                        () -> CheckpointCodec.decode(bad, 0),
                        "byte " + i + " bit " + bit);
            }
        }
        byte[] bad = b.clone();
        bad[b.length - 12] ^= 1;
        assertTrue(assertThrows(CorruptCheckpointException.class, () -> CheckpointCodec.decode(bad, 0))
                .getMessage()
                .contains("CRC32"));
    }

    @Test
    void corruptLegacyBlobsAreRefusedBeforeAnythingHugeIsAllocated() {
        byte[] ok = legacy(new double[][] {{1, 2}});
        assertThrows(
                CorruptCheckpointException.class, () -> CheckpointCodec.decode(Arrays.copyOf(ok, ok.length - 1), 0));
        assertThrows(
                CorruptCheckpointException.class,
                () -> CheckpointCodec.decode(Arrays.copyOf(ok, ok.length + 8), 0),
                "trailing bytes");
        byte[] huge = ok.clone();
        ByteBuffer.wrap(huge).order(ByteOrder.LITTLE_ENDIAN).putInt(0, Integer.MAX_VALUE);
        assertTrue(assertThrows(CorruptCheckpointException.class, () -> CheckpointCodec.decode(huge, 0))
                .getMessage()
                .contains("claims"));
        byte[] negative = ok.clone();
        ByteBuffer.wrap(negative).order(ByteOrder.LITTLE_ENDIAN).putInt(4, -1);
        assertThrows(CorruptCheckpointException.class, () -> CheckpointCodec.decode(negative, 0));
        assertThrows(CorruptCheckpointException.class, () -> CheckpointCodec.decode(null, 0));
    }

    @Test
    void aFutureVersionIsRefusedByNameNotMisread() {
        byte[] b = CheckpointCodec.encode(new Checkpoint(9, new double[][] {{1}}));
        ByteBuffer.wrap(b).order(ByteOrder.LITTLE_ENDIAN).putInt(4, 2);
        UnsupportedFormatException e =
                assertThrows(UnsupportedFormatException.class, () -> CheckpointCodec.decode(b, 0));
        assertEquals(2, e.version());
        assertTrue(e.getMessage().contains("format version 2") && e.getMessage().contains("up to 1"), e.getMessage());
        // refused before the checksum is read: a later format may put it elsewhere
        assertThrows(
                UnsupportedFormatException.class,
                () -> CheckpointCodec.decode(new byte[] {'G', 'L', 'C', 'P', 7, 0, 0, 0}, 0));
    }
}
