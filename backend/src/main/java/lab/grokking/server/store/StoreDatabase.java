package lab.grokking.server.store;

import java.util.List;

/** One dialect's database under the repositories: the transactions they join, the engine's own check, and the resource to close. */
public interface StoreDatabase extends UnitOfWork, AutoCloseable {
    /** What the engine itself finds wrong (corrupt pages, dangling references); empty when all is well. */
    List<String> integrityProblems();

    /** The engine: "sqlite" or "postgresql". */
    String kind();

    /** Where the data lives, in words for messages (the data directory). */
    String location();

    /** Bytes free for this process where the data lives; -1 when unknown. */
    long freeBytes();

    /** Commits a tiny write: throws (a {@link StoreException}) while the store cannot take writes. */
    void probeWrite();

    @Override
    void close();
}
