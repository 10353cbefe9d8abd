package lab.grokking.server.store;

import java.util.List;

/**
 * A run as the store holds it. {@code config} is canonical JSON; {@code summary} and {@code provenance} are JSON
 * (null until the run ends); times are epoch milliseconds.
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
        Long finishedAt) {

    /** QUEUED and RUNNING are live; the rest are final (a CANCELLED or FAILED run may be queued again). */
    public enum Status {
        QUEUED,
        RUNNING,
        FINISHED,
        CANCELLED,
        DIVERGED,
        FAILED;

        public boolean isFinal() {
            return this != QUEUED && this != RUNNING;
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
                finishedAt);
    }
}
