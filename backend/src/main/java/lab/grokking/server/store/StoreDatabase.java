package lab.grokking.server.store;

import java.util.List;

/** One dialect's database under the repositories: the transactions they join, the engine's own check, and the resource to close. */
public interface StoreDatabase extends UnitOfWork, AutoCloseable {
    /** What the engine itself finds wrong (corrupt pages, dangling references); empty when all is well. */
    List<String> integrityProblems();

    /** Commits a tiny write: throws (a {@link StoreException}) while the store cannot take writes. */
    void probeWrite();

    @Override
    void close();
}
