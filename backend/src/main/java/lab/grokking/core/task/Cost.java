package lab.grokking.core.task;

/**
 * What a run will cost, computed from its config before anything is allocated: the server's limits are checked
 * against it and every "how long" is answered from it.
 *
 * @param work         multiply-adds of the whole run (training, evaluations, predictor solvers)
 * @param modelBytes   peak bytes of model, data and evaluation buffers
 * @param seconds      predicted wall time on the project's 2-core machine (docs/benchmarks.md), before correction by
 *                     the throughput measured on this host
 * @param kernel       the kernel the steps run on (e.g. "sparse-bits"): estimates are corrected per (task, kernel, size)
 * @param sizeClass    a coarse size bucket of one step's work (log₄ of multiply-adds per step)
 * @param memoryFields the fields a user changes to need less memory (named in the error)
 * @param memoryNote   what the model's memory is made of, for the error message
 * @param workNote     what the work is made of, for the error message
 * @param storage      what the run stores: its disk, and the memory that waits to be written
 */
public record Cost(
        double work,
        long modelBytes,
        double seconds,
        String kernel,
        int sizeClass,
        String memoryFields,
        String memoryNote,
        String workNote,
        Storage storage) {
    /** log₄ of a step's multiply-adds: neighbouring classes differ 4× in size. */
    public static int sizeClass(double workPerStep) {
        return workPerStep <= 1 ? 0 : (int) Math.floor(StrictMath.log(workPerStep) / StrictMath.log(4));
    }

    /** Peak bytes of the whole run: the model's, and what it holds for the store. */
    public long memoryBytes() {
        return modelBytes + storage.memoryBytes();
    }

    /** Bytes the run stores at most. */
    public long diskBytes() {
        return storage.diskBytes();
    }
}
