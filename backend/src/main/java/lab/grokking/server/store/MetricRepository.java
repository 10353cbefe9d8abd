package lab.grokking.server.store;

import java.util.List;
import java.util.OptionalLong;

/** A run's evaluation rows, keyed by step (a row's first value). Each call is atomic; a caller's transaction is joined. */
public interface MetricRepository {
    /** Adds the rows, replacing any at the same steps. */
    void append(String runId, List<double[]> rows);

    /** The rows in step order. */
    List<double[]> all(String runId);

    /** The step of the last row, if any. */
    OptionalLong lastStep(String runId);

    void deleteAfter(String runId, long step);

    void deleteAll(String runId);
}
