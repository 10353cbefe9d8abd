package lab.grokking.core.config;

/** A run's full configuration: task parameters, seed, steps and evaluation schedule. */
public interface RunConfig {
    /** Task name, the "task" field of the JSON document. */
    String task();

    long seed();

    long steps();

    int evalPerDecade();

    /** Throws {@link ConfigException} naming every bad field and every exceeded limit. */
    void validate(Limits limits);

    /** Estimated peak bytes of model, data and evaluation buffers. */
    long memoryBytes();

    /** Estimated multiply-adds of the whole run (training and evaluation). */
    double work();

    /** Estimated wall time on the project's machine in seconds, NaN when the task has no estimate. */
    default double estimatedSeconds() { return Double.NaN; }

    /** The task that runs this config (validates it first). */
    lab.grokking.core.Task newTask();
}
