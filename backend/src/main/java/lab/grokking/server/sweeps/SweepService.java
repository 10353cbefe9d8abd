package lab.grokking.server.sweeps;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import lab.grokking.server.ServerConfig;
import lab.grokking.server.runs.RunService;
import lab.grokking.server.store.RunStore;

/**
 * Sweeps: a base config × a grid over numeric fields × seeds, each member an ordinary run submitted through the run
 * service (de-duplicated, cached, queued fairly, recovered after a crash). The sweep and its members' run ids are
 * stored, so a report outlives a restart.
 */
public final class SweepService implements AutoCloseable {
    public SweepService(ServerConfig cfg, RunService runs, RunStore store) {}

    /** Stops the feeder and the watchers. */
    @Override
    public void close() {}

    /**
     * Validates the whole grid (every member's config, {@code limits.sweepMembers}, the client's budget) and only then
     * submits the members and stores the sweep; a {@link lab.grokking.core.config.ConfigException} (422) names
     * {@code axes.<field>}, {@code members}, {@code seeds} or the budget and the limit.
     */
    public SweepReport submit(ObjectNode body, String client) {
        throw new UnsupportedOperationException("TODO");
    }

    /** The sweep's report now (empty: no such sweep). */
    public Optional<SweepReport> report(String id) {
        throw new UnsupportedOperationException("TODO");
    }

    /** A client's sweeps, newest first. */
    public List<SweepReport> list(String client) {
        throw new UnsupportedOperationException("TODO");
    }

    /** Cancels every unfinished member (creator only); returns how many were cancelled. */
    public int cancel(String id, String client) {
        throw new UnsupportedOperationException("TODO");
    }

    /** One CSV row per member: axis fields, seed, status, outcome, fit step, transition step, delay, final metrics. */
    public String csv(SweepReport r) {
        throw new UnsupportedOperationException("TODO");
    }

    /** The same rows as {@link #csv} as JSON objects (snake_case keys). */
    public List<Map<String, Object>> rows(SweepReport r) {
        throw new UnsupportedOperationException("TODO");
    }

    /**
     * Watches a sweep: {@code listener} hears each member change and then the end (at once if it has ended). Close
     * the handle to stop; empty when there is no such sweep.
     */
    public Optional<AutoCloseable> watch(String id, SweepListener listener) {
        throw new UnsupportedOperationException("TODO");
    }

    /** The sweep presets of config/sweeps (id, title, description, preset or base, axes, seeds). */
    public List<ObjectNode> presets() {
        throw new UnsupportedOperationException("TODO");
    }
}
