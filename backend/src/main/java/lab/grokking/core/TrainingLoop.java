package lab.grokking.core;

import java.util.List;
import java.util.Map;

/**
 * The loop every task shares: forward, evaluate on the log-spaced schedule, stop on divergence or
 * cancellation, step, report progress. Tasks supply the model through {@link Model}.
 */
public final class TrainingLoop {
    private TrainingLoop() {}

    /** One task's model and metrics. */
    public interface Model {
        /** Computes the outputs of the current parameters; returns why training diverged, or null. */
        String forward(long step);

        /** The metrics row at this step (after {@link #forward}). */
        double[] evaluate(long step);

        /** One GD step from the outputs of the last {@link #forward}. */
        void step();

        /** Copies of the parameters: everything the next steps depend on. */
        double[][] state();

        /** Sets the parameters to a {@link #state()} taken earlier from a model of the same config. */
        void restore(double[][] state);
    }

    /** Steps between polls of cancellation, progress and checkpoints. */
    public static final int CHECK_EVERY = 1024;

    /** How the loop ended; seconds split into training (steps) and evaluation. */
    public record Outcome(
            RunStatus status, String message, long stepsTrained, double trainSeconds, double evalSeconds) {
        /** Wall time per GD step without evaluations (null before the first step). */
        public Double microsecondsPerStep() {
            return stepsTrained == 0 ? null : trainSeconds * 1e6 / stepsTrained;
        }

        /** Adds the timings and the table's last row to a run summary. */
        public void summarise(Map<String, Object> summary, MetricTable table) {
            summary.put("train_seconds", trainSeconds);
            summary.put("eval_seconds", evalSeconds);
            summary.put("microseconds_per_step", microsecondsPerStep());
            summary.put("final", table.lastRow());
        }
    }

    /** Predicted end of the kernel regime: t* = ln(α)/λ, in steps ln(α)/(λη) (∞ without weight decay). */
    public static double transitionStep(double alpha, double lr, double weightDecay) {
        return StrictMath.log(alpha) / (weightDecay * lr);
    }

    /** Runs from step 0, or from {@code resume} (its step's row is not evaluated again). */
    public static Outcome run(
            long steps, int evalPerDecade, MetricTable table, Model model, RunListener listener, Checkpoint resume) {
        listener.onStart(List.copyOf(table.columns()));
        LogSchedule schedule = new LogSchedule(steps, evalPerDecade);
        RunStatus status = RunStatus.FINISHED;
        String message = "finished " + steps + " steps";
        int next = 0;
        long first = 0;
        if (resume != null) {
            if (resume.step() > steps)
                throw new IllegalArgumentException(
                        "checkpoint at step " + resume.step() + " is past the run's " + steps + " steps");
            model.restore(resume.state());
            first = resume.step();
            while (next < schedule.size() && schedule.get(next) <= first) next++;
        }
        long start = System.nanoTime(), evalNanos = 0, trained = 0;
        for (long step = first; ; step++) {
            String diverged = model.forward(step);
            if (diverged != null) {
                status = RunStatus.DIVERGED;
                message = "diverged at step " + step + ": " + diverged;
                break;
            }
            if (next < schedule.size() && schedule.get(next) == step) {
                long t0 = System.nanoTime();
                double[] row = model.evaluate(step);
                table.add(row);
                evalNanos += System.nanoTime() - t0;
                listener.onEvaluation(row);
                next++;
            }
            if (step == steps) break;
            if (listener.cancelled()) {
                if (step > first)
                    listener.onCheckpoint(new Checkpoint(step, model.state())); // a cancelled run can be resumed
                status = RunStatus.CANCELLED;
                message = "cancelled at step " + step;
                break;
            }
            if (step % CHECK_EVERY == 0) {
                if (step > first && listener.checkpointDue())
                    listener.onCheckpoint(new Checkpoint(step, model.state()));
                listener.onProgress(step, steps);
            }
            model.step();
            trained++;
        }
        listener.onProgress(
                status == RunStatus.FINISHED
                        ? steps
                        : table.size() == 0 ? first : (long) table.rows().getLast()[0],
                steps);
        double total = (System.nanoTime() - start) / 1e9;
        return new Outcome(status, message, trained, total - evalNanos / 1e9, evalNanos / 1e9);
    }
}
