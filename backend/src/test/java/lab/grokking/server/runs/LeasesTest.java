package lab.grokking.server.runs;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicLong;
import lab.grokking.core.Checkpoint;
import lab.grokking.server.RunStoreTest;
import lab.grokking.server.store.Claim;
import lab.grokking.server.store.SqliteRunStore;
import lab.grokking.server.store.StoredRun;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** A dead member's running run is held for it while it progresses, and free once it stood still for the lease. */
class LeasesTest {
    static final long SECOND = 1_000_000_000L;

    @Test
    void aRunningRunHoldsItsOwnerUntilItStandsStillForTheLease(@TempDir Path dir) {
        AtomicLong clock = new AtomicLong();
        Leases leases = new Leases(15, 2, clock::get); // lease: max(15, 2 × 2) = 15 s
        try (SqliteRunStore store = new SqliteRunStore(dir)) {
            store.insert(RunStoreTest.run("r1"));
            Claim x = store.claim("r1", "x", store.claimOf("r1").orElseThrow().epoch())
                    .orElseThrow();
            store.setStatus(x, StoredRun.Status.RUNNING, null, List.of("step"));
            Set<String> live = Set.of("me");

            assertEquals(Set.of("me", "x"), leases.holding(live, store), "first seen now: held");
            clock.addAndGet(14 * SECOND);
            assertEquals(Set.of("me", "x"), leases.holding(live, store), "still within the lease");
            store.saveCheckpoint(x, new Checkpoint(5, new double[][] {{1}}), List.of(), List.of());
            clock.addAndGet(14 * SECOND);
            assertEquals(Set.of("me", "x"), leases.holding(live, store), "a checkpoint renewed it (seen now)");
            clock.addAndGet(14 * SECOND);
            assertEquals(Set.of("me", "x"), leases.holding(live, store), "14 s since the progress was seen");
            clock.addAndGet(2 * SECOND);
            assertEquals(Set.of("me"), leases.holding(live, store), "16 s without progress: free to take");

            Claim y = store.claim("r1", "y", x.epoch()).orElseThrow(); // taken over by y
            store.setStatus(y, StoredRun.Status.RUNNING, null, List.of("step"));
            assertEquals(Set.of("me", "y"), leases.holding(live, store), "a new claim starts a new lease");
            assertEquals(Set.of("me", "y", "z"), leases.holding(Set.of("me", "y", "z"), store), "live members stay");
            store.setStatus(y, StoredRun.Status.CANCELLED, "cancelled", null);
            assertEquals(Set.of("me"), leases.holding(live, store), "a run that ended holds nobody");
        }
    }
}
