package lab.grokking.core.mc;

/**
 * The inner loops of a matrix-completion GD step, over rows of the row-major d×d matrices U and V. Both
 * implementations do the same IEEE operations in the same order, with fused multiply-adds (Math.fma and the
 * Vector API's FMA are both correctly rounded), so results are bit-identical with or without SIMD and on every
 * machine:
 * <ul>
 * <li>{@link #dotDiff}: columns c &lt; 4·⌊len/4⌋ are in groups of four; group g goes to accumulator set g mod 2 and
 *     lane c mod 4. Per lane l, a_s,l = fma(u_i[c], u_j[c], a_s,l) and b_s,l = fma(v_i[c], v_j[c], b_s,l) over that
 *     set's columns in increasing order (from 0); then p_l = (a_0,l + a_1,l) − (b_0,l + b_1,l) and
 *     w = (p_0 + p_1) + (p_2 + p_3); the remaining columns c follow in order: w = fma(u_i[c], u_j[c], w),
 *     w = fma(−v_i[c], v_j[c], w). fma is commutative in its factors, so dotDiff(i, j) and dotDiff(j, i) are the
 *     same bits;</li>
 * <li>{@link #rowUpdate} is element-wise: x = decay·u[o+c], then x = fma(u[nb[p]+c], cu[p], x) for p = p0..p1−1 in
 *     order (likewise for v with cv).</li>
 * </ul>
 */
abstract class McKernels {
    private static final McKernels INSTANCE = pick();

    static McKernels get() {
        return INSTANCE;
    }

    static McKernels scalar() {
        return Scalar.INSTANCE;
    }

    private static McKernels pick() {
        if (Boolean.getBoolean("groklab.scalarKernels")
                || ModuleLayer.boot().findModule("jdk.incubator.vector").isEmpty()) return Scalar.INSTANCE;
        try {
            McKernels v = McVectorKernels.create();
            return v != null ? v : Scalar.INSTANCE;
        } catch (LinkageError e) {
            return Scalar.INSTANCE;
        }
    }

    abstract String name();

    /** Σ_c u[io+c]·u[jo+c] − v[io+c]·v[jo+c], c &lt; len, in the documented order. */
    abstract double dotDiff(double[] u, double[] v, int io, int jo, int len);

    /**
     * One output row of the GD step: u2[o+c] = decay·u[o+c] + Σ_p cu[p]·u[nb[p]+c] and
     * v2[o+c] = decay·v[o+c] + Σ_p cv[p]·v[nb[p]+c], p = p0..p1−1, from ≤ c &lt; len, in the documented order
     * (u2, v2 are other arrays than u, v; nb[p] are row offsets).
     */
    abstract void rowUpdate(
            double[] u,
            double[] v,
            double[] u2,
            double[] v2,
            int o,
            int from,
            int len,
            double decay,
            int[] nb,
            double[] cu,
            double[] cv,
            int p0,
            int p1);

    /** Scalar tail of {@link #rowUpdate}: columns from..len−1 (shared by both implementations). */
    static void rowUpdateScalar(
            double[] u,
            double[] v,
            double[] u2,
            double[] v2,
            int o,
            int from,
            int len,
            double decay,
            int[] nb,
            double[] cu,
            double[] cv,
            int p0,
            int p1) {
        for (int c = from; c < len; c++) {
            double x = decay * u[o + c], z = decay * v[o + c];
            for (int p = p0; p < p1; p++) {
                int y = nb[p] + c;
                x = Math.fma(u[y], cu[p], x);
                z = Math.fma(v[y], cv[p], z);
            }
            u2[o + c] = x;
            v2[o + c] = z;
        }
    }

    static final class Scalar extends McKernels {
        static final Scalar INSTANCE = new Scalar();

        @Override
        String name() {
            return "scalar";
        }

        @Override
        double dotDiff(double[] u, double[] v, int io, int jo, int len) {
            int body = len & ~3;
            double w = (lane(u, v, io, jo, body, 0) + lane(u, v, io, jo, body, 1))
                    + (lane(u, v, io, jo, body, 2) + lane(u, v, io, jo, body, 3));
            for (int c = body; c < len; c++) {
                w = Math.fma(u[io + c], u[jo + c], w);
                w = Math.fma(-v[io + c], v[jo + c], w);
            }
            return w;
        }

        /** p_l of {@link McKernels#dotDiff} over the first body (a multiple of 4) columns. */
        private static double lane(double[] u, double[] v, int io, int jo, int body, int l) {
            double a0 = 0, a1 = 0, b0 = 0, b1 = 0;
            int c = l;
            for (; c + 4 < body; c += 8) {
                a0 = Math.fma(u[io + c], u[jo + c], a0);
                b0 = Math.fma(v[io + c], v[jo + c], b0);
                a1 = Math.fma(u[io + c + 4], u[jo + c + 4], a1);
                b1 = Math.fma(v[io + c + 4], v[jo + c + 4], b1);
            }
            if (c < body) {
                a0 = Math.fma(u[io + c], u[jo + c], a0);
                b0 = Math.fma(v[io + c], v[jo + c], b0);
            }
            return (a0 + a1) - (b0 + b1);
        }

        @Override
        void rowUpdate(
                double[] u,
                double[] v,
                double[] u2,
                double[] v2,
                int o,
                int from,
                int len,
                double decay,
                int[] nb,
                double[] cu,
                double[] cv,
                int p0,
                int p1) {
            rowUpdateScalar(u, v, u2, v2, o, from, len, decay, nb, cu, cv, p0, p1);
        }
    }
}
