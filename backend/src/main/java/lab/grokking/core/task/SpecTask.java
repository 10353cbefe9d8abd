package lab.grokking.core.task;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.Map;
import lab.grokking.core.Checkpoint;
import lab.grokking.core.LogSchedule;
import lab.grokking.core.MetricTable;
import lab.grokking.core.Provenance;
import lab.grokking.core.RunListener;
import lab.grokking.core.RunResult;
import lab.grokking.core.Snapshot;
import lab.grokking.core.SnapshotSteps;
import lab.grokking.core.Task;
import lab.grokking.core.TrainingLoop;
import lab.grokking.core.config.Configs;
import lab.grokking.core.config.RunConfig;

/**
 * The run skeleton every task shares: set-up through the spec, the shared training loop, one snapshot schedule,
 * one summary shape (common keys, the task's own part under {@value #TASK_KEY}) and one provenance format. The
 * config's limits were checked by whoever accepted it (the run service with its configured limits, the CLI with
 * the defaults); here only its fields are.
 */
public final class SpecTask<C extends RunConfig> implements Task {
    /** Net snapshots per run, log-spaced over the evaluation steps (the run view's predictor panel scrubs them). */
    public static final int SNAPSHOTS = 30;
    /** Summary key of the task's own part. */
    public static final String TASK_KEY = "task";

    /** Summary key of the number of runs a batched run trained with (absent for a solo run). */
    public static final String COHORT_KEY = "cohort";

    private final TaskSpec<C> spec;
    private final C cfg;
    private final Cohort.Member member;

    public SpecTask(C cfg) {
        this(cfg, null);
    }

    /** A run that trains as this member of a cohort (null: solo); it leaves the cohort when it ends, however it ends. */
    public SpecTask(C cfg, Cohort.Member member) {
        Validation.fields(cfg);
        this.spec = TaskSpecs.of(cfg);
        this.cfg = cfg;
        this.member = member;
    }

    @Override
    public RunResult run(RunListener listener, Checkpoint resume) {
        try {
            return train(listener, resume);
        } finally {
            if (member != null) member.leave();
        }
    }

    private RunResult train(RunListener listener, Checkpoint resume) {
        Instant startedAt = Instant.now();
        long started = System.nanoTime();
        TaskRun run = spec.start(cfg, listener, member);
        Map<String, Object> summary = new LinkedHashMap<>();
        summary.put("transition_step", TrainingLoop.transitionStep(cfg.alpha(), cfg.lr(), cfg.weightDecay()));
        summary.put("estimated_seconds", spec.cost(cfg).seconds());
        summary.put("setup_seconds", (System.nanoTime() - started) / 1e9);
        if (member != null) summary.put(COHORT_KEY, member.cohort().size());
        MetricTable table = new MetricTable(spec.columns());
        SnapshotSteps snapshots = new SnapshotSteps(new LogSchedule(cfg.steps(), cfg.evalPerDecade()), SNAPSHOTS);
        TrainingLoop.Outcome o = TrainingLoop.run(
                cfg.steps(),
                cfg.evalPerDecade(),
                table,
                new TrainingLoop.Model() {
                    @Override
                    public String forward(long step) {
                        return run.forward(step);
                    }

                    @Override
                    public double[] evaluate(long step) {
                        double[] row = run.evaluate(step);
                        if (snapshots.due(step)) {
                            Snapshot s = run.snapshot(step);
                            if (s != null) listener.onSnapshot(s);
                        }
                        return row;
                    }

                    @Override
                    public void step() {
                        run.step();
                    }

                    @Override
                    public double[][] state() {
                        return run.state();
                    }

                    @Override
                    public void restore(double[][] state) {
                        run.restore(state);
                    }
                },
                listener,
                resume);
        o.summarise(summary, table);
        if (spec.predictorView().netSnapshot() != null) summary.put("snapshot_steps", snapshots.steps());
        run.finish(table);
        summary.put(TASK_KEY, run.summary());
        Provenance prov = Provenance.of(Configs.canonical(cfg), cfg.seed(), run.kernels(), run.threads(), startedAt);
        return new RunResult(o.status(), o.message(), table, summary, prov);
    }
}
