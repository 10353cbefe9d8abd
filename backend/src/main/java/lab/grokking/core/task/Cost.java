package lab.grokking.core.task;

/**
 * What a run will cost, computed from its config before anything is allocated: the server's limits are checked
 * against it and every "how long" is answered from it.
 *
 * @param work         multiply-adds of the whole run (training, evaluations, predictor solvers)
 * @param memoryBytes  peak bytes of model, data, evaluation buffers and snapshots
 * @param seconds      predicted wall time on the project's 2-core machine (docs/benchmarks.md), before correction by
 *                     the throughput measured on this host
 * @param kernel       the kernel the steps run on (e.g. "sparse-bits"): estimates are corrected per (task, kernel, size)
 * @param sizeClass    a coarse size bucket of one step's work (log₄ of multiply-adds per step)
 * @param memoryFields the fields a user changes to need less memory (named in the error)
 * @param memoryNote   what the memory is made of, for the error message
 * @param workNote     what the work is made of, for the error message
 */
public record Cost(
        double work,
        long memoryBytes,
        double seconds,
        String kernel,
        int sizeClass,
        String memoryFields,
        String memoryNote,
        String workNote) {
    /** log₄ of a step's multiply-adds: neighbouring classes differ 4× in size. */
    public static int sizeClass(double workPerStep) {
        return workPerStep <= 1 ? 0 : (int) Math.floor(StrictMath.log(workPerStep) / StrictMath.log(4));
    }
}
