package lab.grokking.server.sweeps;

import java.util.List;
import java.util.Map;
import lab.grokking.core.sweep.Classification;
import lab.grokking.core.sweep.LawFit;
import lab.grokking.core.sweep.Outcome;

/**
 * A sweep as the API, the stream and the views read it: its grid, every member (an ordinary run) with its live status
 * and outcome, the outcome counts, the law's fit over the grokked members (null with fewer than 3 of them or no spread
 * in ln α) and whether every member has ended.
 */
public record SweepReport(
        String id,
        String title,
        String task,
        long createdAt,
        List<Axis> axes,
        List<Long> seeds,
        List<Member> members,
        Map<Outcome, Integer> counts,
        LawFit law,
        boolean done) {

    /** One axis of the grid: a numeric config field and its values in order; {@code log}: values log-spaced. */
    public record Axis(String field, List<Double> values, boolean log) {}

    /**
     * One member: {@code index} in grid order (axes in order, the last varying fastest, then the seeds), its run's id
     * (null while it waits for a place in the queue), the axis values of this member, its seed, its status (the run's
     * status name: QUEUED, RUNNING, PAUSED, FINISHED, CANCELLED, DIVERGED, FAILED; {@link SweepService#WAITING} before
     * its run exists, CANCELLED for a waiting member of a cancelled sweep, {@link SweepService#REMOVED} when its run
     * was removed), the fraction of its steps done, its outcome, and the last row's metrics (so far, while it runs).
     */
    public record Member(
            int index,
            String runId,
            Map<String, Double> fields,
            long seed,
            String status,
            double fraction,
            Classification classification,
            Map<String, Double> finals) {}
}
