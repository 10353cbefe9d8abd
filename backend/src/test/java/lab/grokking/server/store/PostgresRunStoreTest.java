package lab.grokking.server.store;

import static org.junit.jupiter.api.Assertions.*;

import java.sql.DriverManager;
import java.util.List;
import lab.grokking.core.Checkpoint;
import lab.grokking.core.Snapshot;
import lab.grokking.server.RunStoreTest;
import org.junit.jupiter.api.Test;

/** What is PostgreSQL's own: connecting, where it says the data is, and the error when it cannot be reached. */
class PostgresRunStoreTest {
    @Test
    void aFreshDatabaseIsMigratedToTheSameVersionAsSqliteAndRoundTripsARun() throws Exception {
        TestPostgres pg = TestPostgres.shared();
        String url = pg.newDatabase();
        try (PostgresRunStore s = new PostgresRunStore(url, pg.user(), pg.password(), 2)) {
            assertEquals("postgresql", s.kind());
            assertTrue(s.location().matches("PostgreSQL at [^/]+:\\d+/groklab_t\\d+_\\d+"), s.location());
            assertEquals(-1, s.freeBytes());
            s.insert(RunStoreTest.run("r1"));
            double[] row = {10, Math.PI, Double.NaN, -0.0};
            s.saveCheckpoint(
                    RunStoreTest.claimed(s, "r1"),
                    new Checkpoint(10, new double[][] {{1, Math.E}}),
                    List.of(row),
                    List.of(new Snapshot("W", 10, 1, 2, new float[] {1.5f, -2f})));
            assertArrayEquals(row, s.metrics("r1").getFirst(), 0.0);
            assertEquals(10, s.checkpoint("r1").orElseThrow().step());
            assertEquals(10, s.get("r1").orElseThrow().progressStep());
            assertEquals("ok", s.integrityCheck());
            s.probeWrite();
        }
        try (var c = DriverManager.getConnection(url, pg.user(), pg.password());
                var st = c.createStatement();
                var r = st.executeQuery("SELECT COUNT(*), MAX(version) FROM schema_version")) {
            assertTrue(r.next());
            assertEquals(Migrations.SCRIPTS.size(), r.getInt(1));
            assertEquals(9, r.getInt(2));
        }
        try (PostgresRunStore s = new PostgresRunStore(url, pg.user(), pg.password(), 1)) {
            assertEquals(1, s.count(null, null, null), "reopened: nothing migrated twice, the run kept");
        }
    }

    @Test
    void anUnreachableStoreFailsAtOnceInOneSentenceNamingTheSettingButNotThePassword() {
        var e = assertThrows(
                IllegalStateException.class,
                () -> new PostgresRunStore("jdbc:postgresql://127.0.0.1:1/groklab?connectTimeout=2", "u", "s3cret", 2));
        assertTrue(
                e.getMessage()
                        .startsWith("cannot reach the run store that store.url names (PostgreSQL at"
                                + " 127.0.0.1:1/groklab): "),
                e.getMessage());
        assertFalse(e.getMessage().contains("s3cret"), e.getMessage());
        var bad = assertThrows(
                IllegalArgumentException.class, () -> new PostgresRunStore("jdbc:sqlite:x.db", "u", "p", 2));
        assertEquals(
                "store.url must start with jdbc:postgresql:// (PostgreSQL), got jdbc:sqlite:x.db", bad.getMessage());
    }
}
