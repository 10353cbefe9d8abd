package lab.grokking.server.cluster;

import java.nio.file.Path;
import lab.grokking.server.store.RunStore;
import lab.grokking.server.store.TestPostgres;

/** {@link ClusterSweepTest} with the members sharing one PostgreSQL database (a fresh one per test). */
class PostgresClusterSweepTest extends ClusterSweepTest {
    @Override
    RunStore newStore(Path dir) {
        TestPostgres pg = TestPostgres.shared();
        return pg.store(pg.newDatabase(), 8);
    }
}
