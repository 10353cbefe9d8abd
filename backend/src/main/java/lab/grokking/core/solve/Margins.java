package lab.grokking.core.solve;

import lab.grokking.core.linalg.Design;

/** Shared input checks and double-precision evaluation of margins for both solvers. */
final class Margins {
    private Margins() {}

    static void validate(Design x, double[] y) {
        if (x == null || y == null) throw new IllegalArgumentException("design and labels must not be null");
        if (x.rows() == 0) throw new IllegalArgumentException("no samples: the design has 0 rows");
        if (x.cols() == 0) throw new IllegalArgumentException("no features: the design has 0 columns");
        if (y.length != x.rows())
            throw new IllegalArgumentException("labels length " + y.length + " != design rows " + x.rows());
        for (int i = 0; i < y.length; i++)
            if (y[i] != 1.0 && y[i] != -1.0)
                throw new IllegalArgumentException("label y[" + i + "] = " + y[i] + ", must be +1 or -1");
    }

    /** min_i y_i⟨w,x_i⟩. */
    static double minMargin(Design x, double[] y, double[] w) {
        double[] f = new double[x.rows()];
        x.multiply(w, f);
        double min = Double.POSITIVE_INFINITY;
        for (int i = 0; i < f.length; i++) min = Math.min(min, y[i] * f[i]);
        return min;
    }

    /** Xᵀ(a⊙y), length cols(). */
    static double[] weighted(Design x, double[] y, double[] a) {
        double[] c = new double[y.length];
        for (int i = 0; i < c.length; i++) c[i] = a[i] * y[i];
        double[] out = new double[x.cols()];
        x.multiplyTransposed(c, out);
        return out;
    }

    static double min(double[] v) {
        double m = Double.POSITIVE_INFINITY;
        for (double e : v) m = Math.min(m, e);
        return m;
    }

    static double sum(double[] v) {
        double s = 0;
        for (double e : v) s += e;
        return s;
    }

    static IllegalArgumentException notSeparable(String detail) {
        return new IllegalArgumentException(
                "data is not linearly separable through the origin (no w with y_i<w,x_i> >= 1 for all i): " + detail);
    }
}
