package lab.grokking.core.config;

import lab.grokking.core.Task;
import lab.grokking.core.task.Cohort;
import lab.grokking.core.task.Cost;
import lab.grokking.core.task.SpecTask;
import lab.grokking.core.task.TaskSpecs;
import lab.grokking.core.task.Validation;

/**
 * A run's full configuration: task parameters, seed, steps and evaluation schedule. Every task of the paper trains
 * from an init scale α by GD with step η and weight decay λ, so the predicted transition ln(α)/(λη) is defined for
 * all. What a task knows beyond its fields lives in its {@link lab.grokking.core.task.TaskSpec}.
 */
public interface RunConfig {
    /** Task name, the "task" field of the JSON document. */
    String task();

    long seed();

    long steps();

    int evalPerDecade();

    double alpha();

    double lr();

    double weightDecay();

    /** Throws {@link ConfigException} naming every bad field and every exceeded limit. */
    default void validate(Limits limits) {
        Validation.withLimits(this, limits);
    }

    /** The task's cost model for this config (valid fields assumed). */
    default Cost cost() {
        return TaskSpecs.of(this).cost(this);
    }

    /** Estimated peak bytes of model, data, evaluation buffers and what waits to be stored. */
    default long memoryBytes() {
        return cost().memoryBytes();
    }

    /** Estimated bytes the run stores (rows, snapshots, checkpoint). */
    default long diskBytes() {
        return cost().diskBytes();
    }

    /** Estimated multiply-adds of the whole run (training and evaluation). */
    default double work() {
        return cost().work();
    }

    /** The task that runs this config (checks its fields first; limits are the caller's). */
    default Task newTask() {
        return new SpecTask<>(this);
    }

    /** As {@link #newTask()}, trained as this member of a cohort (null: solo). */
    default Task newTask(Cohort.Member member) {
        return new SpecTask<>(this, member);
    }

    /** Configs with equal non-null keys may train together (see {@link lab.grokking.core.task.TaskSpec#batchKey}). */
    default Object batchKey() {
        return TaskSpecs.of(this).batchKey(this);
    }
}
