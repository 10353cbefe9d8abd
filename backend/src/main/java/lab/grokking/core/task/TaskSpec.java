package lab.grokking.core.task;

import java.util.List;
import lab.grokking.core.RunListener;
import lab.grokking.core.config.Checks;
import lab.grokking.core.config.RunConfig;

/**
 * Everything the lab knows about one task, found through {@link java.util.ServiceLoader} (see {@link TaskSpecs}):
 * its config and fields, metric columns and charts, what counts as fitting and generalising, its snapshots and
 * predictor view, the cost model, and how to set a run up. Validation, {@code GET /api/tasks}, the forms, the charts,
 * the run view, the CLI figure and the estimates all read it; nothing outside a task's package names a task.
 */
public interface TaskSpec<C extends RunConfig> {
    /** The "task" field of configs, e.g. "diag". */
    String name();

    /** What the task is, e.g. "Diagonal linear net". */
    String title();

    Class<C> configType();

    /** The documented defaults; a config document is these overlaid by the user's fields. */
    C defaults();

    /** Every config field but "task", in form order. */
    List<FieldSpec> fields();

    /** Cross-field rules beyond each field's range (e.g. k odd, rank ≤ d); called after the range checks. */
    default void validate(C cfg, Checks c) {}

    /** The metric columns of every row, "step" first. */
    List<String> columns();

    /** The charts of the run view, metrics first, then the predictor curves. */
    List<Chart> charts();

    /** The column a one-line result leads with, e.g. "test_acc". */
    String headlineMetric();

    /** What fitting and generalising mean for this task. */
    OutcomeMetric outcome();

    /** How the run view shows the net beside its early and late predictors. */
    PredictorView predictorView();

    /** A run's heading from the parameters the paper varies. */
    String runTitle(C cfg);

    /** Cost of a valid config: limits, queue priority and every time estimate read it. */
    Cost cost(C cfg);

    /**
     * Sets a run up (data, predictors; fixed snapshots go to the listener) and returns the model the shared loop
     * trains. Called with a validated config on the training thread.
     */
    TaskRun start(C cfg, RunListener listener);

    /**
     * Configs with equal non-null keys share data and shapes and may train together as one {@link Cohort} (see
     * {@link #start(RunConfig, RunListener, Cohort.Member)}), each bit for bit its solo run; null (the default): never
     * batched.
     */
    default Object batchKey(C cfg) {
        return null;
    }

    /**
     * {@link #start(RunConfig, RunListener)} as a member of a cohort (null: solo): a task with a {@link #batchKey}
     * shares its set-up through the cohort and meets it for every product.
     */
    default TaskRun start(C cfg, RunListener listener, Cohort.Member member) {
        if (member != null) throw new IllegalStateException(name() + " runs are never batched");
        return start(cfg, listener);
    }

    /** Presets the task ships beside its classes: resource names relative to the spec's class (empty for most). */
    default List<String> presets() {
        return List.of();
    }
}
