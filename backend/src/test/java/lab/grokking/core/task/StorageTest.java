package lab.grokking.core.task;

import static org.junit.jupiter.api.Assertions.*;

import lab.grokking.core.Checkpoint;
import lab.grokking.core.Recorder;
import lab.grokking.core.Snapshot;
import lab.grokking.core.config.ConfigException;
import lab.grokking.core.config.Configs;
import lab.grokking.core.config.Limits;
import lab.grokking.core.config.RunConfig;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** What a run stores, from its config: the disk limits and the memory held for the store read it. */
class StorageTest {
    /** Bytes of what a run reported: its rows, every snapshot, and its largest checkpoint's values. */
    static long reported(Recorder r) {
        long bytes = 0;
        for (double[] row : r.rows) bytes += (long) row.length * Double.BYTES;
        for (Snapshot s : r.snapshots) bytes += (long) s.values().length * Float.BYTES;
        long checkpoint = 0;
        for (Checkpoint c : r.checkpoints) {
            long b = 0;
            for (double[] a : c.state()) b += (long) a.length * Double.BYTES;
            checkpoint = Math.max(checkpoint, b);
        }
        return bytes + checkpoint;
    }

    @ParameterizedTest
    @ValueSource(
            strings = { // each task at a small size, past the first checkpoint poll (step 1024)
                "{\"task\":\"diag\",\"d\":1000,\"n\":10,\"nTest\":100,\"steps\":1500}",
                "{\"task\":\"diag\",\"data\":\"gaussian\",\"d\":500,\"n\":20,\"nTest\":100,\"steps\":1100}",
                "{\"task\":\"mc\",\"d\":12,\"observed\":0.4,\"steps\":1500}",
                "{\"task\":\"modadd\",\"p\":7,\"width\":16,\"steps\":1100}",
                "{\"task\":\"linreg\",\"d\":50,\"n\":10,\"steps\":1100}"
            })
    void theDiskEstimateIsWhatTheRunReportsForTheStore(String json) {
        RunConfig rc = Configs.parse(json);
        Recorder r = new Recorder(true);
        rc.newTask().run(r, null);
        assertFalse(r.checkpoints.isEmpty(), "the run took a checkpoint");
        long reported = reported(r), estimate = rc.diskBytes();
        // exact but for the checkpoint codec's header, which the estimate rounds up
        assertTrue(
                reported <= estimate && estimate <= reported + Storage.CHECKPOINT_OVERHEAD,
                "reported " + reported + " B, estimated " + estimate + " B");
        Storage st = rc.cost().storage();
        assertTrue(st.memoryBytes() >= reported, "memory held for the store covers every snapshot pending at once");
    }

    @Test
    void snapshotsPendingForTheStoreAreCountedInTheMemoryEstimate() {
        // finding: the 30 snapshots of w (d floats each) waited for the checkpoint uncounted
        int d = 2_000_000;
        Cost c = Configs.parse("{\"task\":\"diag\",\"d\":" + d + ",\"n\":1,\"steps\":2000}")
                .cost();
        long snapshots = (long) c.storage().snapshots() * d * Float.BYTES;
        assertTrue(c.storage().snapshots() >= 25, "about SpecTask.SNAPSHOTS of them: " + c.storage());
        assertTrue(c.memoryBytes() - c.modelBytes() >= snapshots, c.toString());
    }

    @Test
    void theRunThatGrewTheDataDirectoryTo528MbIsRefusedForItsDisk() {
        // finding: d = 2·10⁶, n = 1, 2 000 steps (a small run of ~40 s) grew the data directory from 11 MB to 528 MB
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> Configs.parse("{\"task\":\"diag\",\"d\":2000000,\"n\":1,\"steps\":2000}")
                        .validate(Limits.DEFAULT));
        assertEquals(1, e.problems().size(), e.getMessage());
        assertEquals("d", e.problems().getFirst().field());
        assertTrue(
                e.getMessage().contains("~260 MiB") && e.getMessage().contains("limits.maxDiskBytes of 128 MiB"),
                e.getMessage());
    }

    @Test
    void aRunOverTheClientsWholeQuotaNamesTheQuota() {
        Limits tight = Limits.DEFAULT.withDisk(1L << 30, 1L << 20);
        ConfigException e = assertThrows(
                ConfigException.class,
                () -> Configs.parse("{\"task\":\"diag\",\"d\":100000,\"n\":1,\"steps\":100}")
                        .validate(tight));
        assertTrue(e.getMessage().contains("a client's disk quota limits.clientDiskBytes of 1 MiB"), e.getMessage());
    }
}
