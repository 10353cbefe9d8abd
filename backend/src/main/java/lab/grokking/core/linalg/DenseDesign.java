package lab.grokking.core.linalg;

/** Row-major float32 data matrix (Gaussian data), rows padded with zeros to a multiple of 64 columns. */
public final class DenseDesign implements Design {
    private final int rows, cols, stride;
    private final float[] data;

    /** An all-zero matrix, to be filled with {@link #set}. */
    public DenseDesign(int rows, int cols) {
        this.rows = rows;
        this.cols = cols;
        this.stride = (cols + 63) & ~63;
        this.data = new float[Math.multiplyExact(rows, stride)];
    }

    public static DenseDesign of(double[][] x) {
        DenseDesign m = new DenseDesign(x.length, x[0].length);
        for (int i = 0; i < x.length; i++) for (int k = 0; k < x[i].length; k++) m.set(i, k, (float) x[i][k]);
        return m;
    }

    public void set(int i, int k, float value) {
        data[i * stride + k] = value;
    }

    public float get(int i, int k) {
        return data[i * stride + k];
    }

    float[] data() {
        return data;
    }

    @Override
    public int rows() {
        return rows;
    }

    @Override
    public int cols() {
        return cols;
    }

    @Override
    public int paddedCols() {
        return stride;
    }

    @Override
    public void multiply(float[] w, float[] out) {
        multiply(w, out, Workers.parts(rows, Workers.minChunk(stride)));
    }

    void multiply(float[] w, float[] out, int parts) {
        Workers.forParts(rows, parts, (from, to) -> Kernels.get().denseMultiply(data, stride, from, to, w, out));
    }

    @Override
    public void multiplyTransposed(float[] c, float[] out) {
        multiplyTransposed(c, out, null);
    }

    @Override
    public void multiplyTransposed(float[] c, float[] out, Workers.RangeBody after) {
        multiplyTransposed(c, out, after, Workers.parts(stride / 64, Workers.minChunk(64L * rows)));
    }

    void multiplyTransposed(float[] c, float[] out, Workers.RangeBody after, int parts) {
        // split on 64-column blocks so the kernel's 32-column tiles never straddle two parts
        Workers.forParts(stride / 64, parts, (from, to) -> {
            Kernels.get().denseMultiplyTransposed(data, stride, rows, from * 64, to * 64, c, out);
            if (after != null && from * 64 < cols) after.run(from * 64, Math.min(to * 64, cols));
        });
    }

    @Override
    public void row(int i, double[] out) {
        for (int k = 0; k < cols; k++) out[k] = data[i * stride + k];
    }

    @Override
    public double dot(int i, int j) {
        double s = 0;
        for (int k = 0, a = i * stride, b = j * stride; k < cols; k++) s += (double) data[a + k] * data[b + k];
        return s;
    }
}
