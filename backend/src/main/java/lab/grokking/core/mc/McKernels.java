package lab.grokking.core.mc;

/**
 * The inner loops of a matrix-completion GD step, over rows of the row-major d×d matrices U and V. Both
 * implementations do the same IEEE operations in the same order (no FMA), so results are bit-identical with
 * or without SIMD:
 * <ul>
 * <li>{@link #dotDiff}: terms p_c = u_i[c]·u_j[c] − v_i[c]·v_j[c] go into four partial sums by c mod 4 over the
 *     whole groups of four, the remaining terms into partial 0, in order; the result is (s0 + s1) + (s2 + s3);</li>
 * <li>{@link #scale} and {@link #axpy} are element-wise.</li>
 * </ul>
 */
abstract class McKernels {
    private static final McKernels INSTANCE = pick();

    static McKernels get() { return INSTANCE; }

    static McKernels scalar() { return Scalar.INSTANCE; }

    private static McKernels pick() {
        if (Boolean.getBoolean("groklab.scalarKernels") || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) return Scalar.INSTANCE;
        try {
            McKernels v = McVectorKernels.create();
            return v != null ? v : Scalar.INSTANCE;
        } catch (LinkageError e) {
            return Scalar.INSTANCE;
        }
    }

    abstract String name();

    /** Σ_c u[io+c]·u[jo+c] − v[io+c]·v[jo+c], c < len, in the documented order. */
    abstract double dotDiff(double[] u, double[] v, int io, int jo, int len);

    /** u2[o+c] = decay·u[o+c], v2[o+c] = decay·v[o+c]. */
    abstract void scale(double[] u, double[] v, double[] u2, double[] v2, int o, int len, double decay);

    /** u2[o+c] −= t·u[jo+c], v2[o+c] += t·v[jo+c] (u2, v2 are other arrays than u, v). */
    abstract void axpy(double[] u, double[] v, double[] u2, double[] v2, int o, int jo, int len, double t);

    static final class Scalar extends McKernels {
        static final Scalar INSTANCE = new Scalar();

        @Override String name() { return "scalar"; }

        @Override
        double dotDiff(double[] u, double[] v, int io, int jo, int len) {
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            int c = 0;
            for (; c + 3 < len; c += 4) {
                s0 += u[io + c] * u[jo + c] - v[io + c] * v[jo + c];
                s1 += u[io + c + 1] * u[jo + c + 1] - v[io + c + 1] * v[jo + c + 1];
                s2 += u[io + c + 2] * u[jo + c + 2] - v[io + c + 2] * v[jo + c + 2];
                s3 += u[io + c + 3] * u[jo + c + 3] - v[io + c + 3] * v[jo + c + 3];
            }
            for (; c < len; c++) s0 += u[io + c] * u[jo + c] - v[io + c] * v[jo + c];
            return (s0 + s1) + (s2 + s3);
        }

        @Override
        void scale(double[] u, double[] v, double[] u2, double[] v2, int o, int len, double decay) {
            for (int c = 0; c < len; c++) {
                u2[o + c] = decay * u[o + c];
                v2[o + c] = decay * v[o + c];
            }
        }

        @Override
        void axpy(double[] u, double[] v, double[] u2, double[] v2, int o, int jo, int len, double t) {
            for (int c = 0; c < len; c++) {
                u2[o + c] -= t * u[jo + c];
                v2[o + c] += t * v[jo + c];
            }
        }
    }
}
