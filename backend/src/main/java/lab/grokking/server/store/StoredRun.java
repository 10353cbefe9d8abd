package lab.grokking.server.store;

import java.util.List;

/**
 * A run as the store holds it. {@code config} is canonical JSON; {@code summary} and {@code provenance} are JSON
 * (null until the run ends); times are epoch milliseconds; {@code lab} is the classroom lab it was started from (null:
 * an ordinary run).
 */
public record StoredRun(
        String id,
        String configKey,
        String task,
        String config,
        long seed,
        String codeVersion,
        String client,
        int priority,
        long steps,
        Status status,
        String message,
        List<String> columns,
        String summary,
        String provenance,
        long progressStep,
        long createdAt,
        Long startedAt,
        Long finishedAt,
        String lab) {

    /**
     * QUEUED, RUNNING and PAUSED are live; the rest are final (a CANCELLED or FAILED run may be queued again). PAUSED
     * is only ever a live status (the store could not take the run's writes; the store keeps its last good state).
     */
    public enum Status {
        QUEUED,
        RUNNING,
        PAUSED,
        FINISHED,
        CANCELLED,
        DIVERGED,
        FAILED;

        public boolean isFinal() {
            return this != QUEUED && this != RUNNING && this != PAUSED;
        }
    }

    public StoredRun withStatus(Status s, String msg) {
        return new StoredRun(
                id,
                configKey,
                task,
                config,
                seed,
                codeVersion,
                client,
                priority,
                steps,
                s,
                msg,
                columns,
                summary,
                provenance,
                progressStep,
                createdAt,
                startedAt,
                finishedAt,
                lab);
    }
}
