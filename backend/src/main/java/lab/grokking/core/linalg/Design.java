package lab.grokking.core.linalg;

import java.util.Arrays;

/**
 * A data matrix X (rows = samples, cols = features) seen only through products, so the ±1 data of the
 * sparse task can stay bit-packed. Float products are the training kernels (hot path); double accessors
 * serve the predictor solvers and certificates, where exactness beats speed.
 */
public interface Design {
    int rows();

    int cols();

    /** Length the float arrays of the float products must have: cols() rounded up for the kernels; the
     *  padding of a weight vector must be zero, and the padding of an output is overwritten. */
    default int paddedCols() {
        return cols();
    }

    /** out[i] = Σ_k X[i][k]·w[k] for every row i, float32 arithmetic in a fixed, width-independent order. */
    void multiply(float[] w, float[] out);

    /** out[k] = Σ_i c[i]·X[i][k] for every column k, float32 arithmetic summed over i in order. */
    void multiplyTransposed(float[] c, float[] out);

    /**
     * {@link #multiplyTransposed(float[], float[])}, then after.run(from, to) over disjoint column ranges
     * covering [0, cols()), each called on the thread that computed out[from, to) right after it did (so a
     * caller can fuse an O(cols) update into the product); ranges may run concurrently. Null: no consumer.
     */
    default void multiplyTransposed(float[] c, float[] out, Workers.RangeBody after) {
        multiplyTransposed(c, out);
        if (after != null) after.run(0, cols());
    }

    /**
     * {@link #multiply(float[], float[])} of w[0..count) into out[0..count), each out[m] bit for bit its solo product;
     * a design whose kernel can serve several vectors in one pass over its data overrides this.
     */
    default void multiply(float[][] w, float[][] out, int count) {
        for (int m = 0; m < count; m++) multiply(w[m], out[m]);
    }

    /** {@link #multiplyTransposed(float[], float[], Workers.RangeBody)} of c[0..count), likewise (after[m] may be null). */
    default void multiplyTransposed(float[][] c, float[][] out, Workers.RangeBody[] after, int count) {
        for (int m = 0; m < count; m++) multiplyTransposed(c[m], out[m], after[m]);
    }

    /** Row i as doubles, into out (length cols()). */
    void row(int i, double[] out);

    /** ⟨X[i], X[j]⟩ in double. */
    double dot(int i, int j);

    /** out[i] = Σ_k X[i][k]·w[k] in double (slow path for solvers and certificates). */
    default void multiply(double[] w, double[] out) {
        double[] r = new double[cols()];
        for (int i = 0; i < rows(); i++) {
            row(i, r);
            double s = 0;
            for (int k = 0; k < r.length; k++) s += r[k] * w[k];
            out[i] = s;
        }
    }

    /** out[k] = Σ_i c[i]·X[i][k] in double (slow path for solvers and certificates). */
    default void multiplyTransposed(double[] c, double[] out) {
        Arrays.fill(out, 0, cols(), 0.0);
        double[] r = new double[cols()];
        for (int i = 0; i < rows(); i++) {
            if (c[i] == 0) continue;
            row(i, r);
            for (int k = 0; k < r.length; k++) out[k] += c[i] * r[k];
        }
    }
}
