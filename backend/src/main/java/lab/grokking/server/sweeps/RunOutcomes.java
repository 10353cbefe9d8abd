package lab.grokking.server.sweeps;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import lab.grokking.core.sweep.Classification;
import lab.grokking.core.sweep.LawFit;
import lab.grokking.core.sweep.Outcome;
import lab.grokking.core.sweep.Outcomes;
import lab.grokking.core.task.TaskSpec;
import lab.grokking.server.runs.LiveRun;
import lab.grokking.server.runs.RunService;
import lab.grokking.server.store.StoredRun;

/**
 * How a run stands for a sweep-like view (a sweep's members, a classroom's runs): its status, progress, outcome and
 * last row's metrics, and its point of the law (ln α against λ·η·t*). Live runs are read from memory; a finished run's
 * outcome never changes, so it is classified once (until the run is removed, checked on every read).
 */
public final class RunOutcomes {
    /** Status of a run that was removed. */
    public static final String REMOVED = "REMOVED";

    /** What a view shows of one run; {@code status}: the run's status name, or {@link #REMOVED}. */
    public record Seen(String status, double fraction, Classification classification, Map<String, Double> finals) {}

    private record Done(Classification classification, Map<String, Double> finals) {}

    private final RunService runs;
    private final Cache<String, Done> finished =
            Caffeine.newBuilder().maximumSize(100_000).build();

    public RunOutcomes(RunService runs) {
        this.runs = runs;
    }

    /** How the run stands now, classified by the task's outcome metric. */
    public Seen of(String runId, TaskSpec<?> spec) {
        Done d = finished.getIfPresent(runId);
        if (d != null && runs.get(runId).isPresent())
            return new Seen(StoredRun.Status.FINISHED.name(), 1, d.classification, d.finals);
        LiveRun live = d != null ? null : runs.reads().live(runId).orElse(null);
        if (live == null) return new Seen(REMOVED, 0, notFinished("its run was removed"), Map.of());
        StoredRun.Status status = live.status();
        List<String> columns = live.columns() != null ? live.columns() : spec.columns();
        List<double[]> rows = live.rows();
        Map<String, Double> finals = finals(columns, rows);
        if (status == StoredRun.Status.FINISHED) {
            d = new Done(Outcomes.classify(spec.outcome(), columns, rows, true), finals);
            finished.put(runId, d);
            return new Seen(status.name(), 1, d.classification, finals);
        }
        double fraction = Math.min(1, (double) live.progressStep() / Math.max(1, live.steps()));
        String message = live.message();
        return new Seen(
                status.name(),
                fraction,
                notFinished("the run is " + status.name().toLowerCase(Locale.ROOT)
                        + (message == null ? "" : ": " + message)),
                finals);
    }

    public static Classification notFinished(String reason) {
        return new Classification(Outcome.NOT_FINISHED, null, null, null, reason);
    }

    /** The last row's metrics by column ("step" left out); empty without rows. */
    static Map<String, Double> finals(List<String> columns, List<double[]> rows) {
        if (rows.isEmpty()) return Map.of();
        double[] last = rows.get(rows.size() - 1);
        Map<String, Double> out = new LinkedHashMap<>();
        for (int c = 0; c < columns.size() && c < last.length; c++)
            if (!columns.get(c).equals("step")) out.put(columns.get(c), last[c]);
        return Collections.unmodifiableMap(out);
    }

    /** The law's x of a config: ln α (NaN without a positive alpha). */
    public static double lnAlpha(ObjectNode config) {
        double alpha = config.path("alpha").asDouble(Double.NaN);
        return alpha > 0 ? StrictMath.log(alpha) : Double.NaN;
    }

    /** The law's scale of the switch step: λ·η (NaN where the config lacks them). */
    public static double lambdaEta(ObjectNode config) {
        return config.path("weightDecay").asDouble(Double.NaN)
                * config.path("lr").asDouble(Double.NaN);
    }

    /** The law over the grokked runs among these (configs and outcomes in the same order). */
    public static LawFit law(List<ObjectNode> configs, List<Classification> outcomes) {
        double[] x = new double[configs.size()], y = new double[configs.size()];
        int n = 0;
        for (int i = 0; i < configs.size(); i++) {
            double lnAlpha = lnAlpha(configs.get(i)), scale = lambdaEta(configs.get(i));
            Classification c = outcomes.get(i);
            if (c.outcome() == Outcome.GROKKED && Double.isFinite(lnAlpha) && scale > 0) {
                x[n] = lnAlpha;
                y[n++] = scale * c.transitionStep();
            }
        }
        return LawFit.fit(java.util.Arrays.copyOf(x, n), java.util.Arrays.copyOf(y, n));
    }
}
