package lab.grokking.core.solve;

import java.util.SplittableRandom;

/** Seeded separable test problems, exact in float32. */
final class Problems {
    private Problems() {}

    record Labeled(double[][] x, double[] y) {}

    static double[][] signs(int n, int d, SplittableRandom rnd) {
        double[][] x = new double[n][d];
        for (double[] r : x) for (int k = 0; k < d; k++) r[k] = rnd.nextBoolean() ? 1 : -1;
        return x;
    }

    /** y = sign(⟨w*,x⟩) for w* with s (odd) random ±1 entries, so ⟨w*,x⟩ is never 0. */
    static double[] sparseTeacherLabels(double[][] x, int s, SplittableRandom rnd) {
        int d = x[0].length;
        int[] idx = rnd.ints(0, d).distinct().limit(s).toArray();
        double[] sign = new double[s];
        for (int j = 0; j < s; j++) sign[j] = rnd.nextBoolean() ? 1 : -1;
        double[] y = new double[x.length];
        for (int i = 0; i < x.length; i++) {
            double f = 0;
            for (int j = 0; j < s; j++) f += sign[j] * x[i][idx[j]];
            y[i] = Math.signum(f);
        }
        return y;
    }

    /** Gaussian points rounded to multiples of 1/64, kept when |⟨u,x⟩| ≥ margin (u random unit), y = sign. */
    static Labeled gaussianMargin(int n, int d, double margin, SplittableRandom rnd) {
        double[] u = new double[d];
        double norm = 0;
        for (int k = 0; k < d; k++) {
            u[k] = rnd.nextGaussian();
            norm += u[k] * u[k];
        }
        for (int k = 0; k < d; k++) u[k] /= Math.sqrt(norm);
        double[][] x = new double[n][d];
        double[] y = new double[n];
        for (int i = 0; i < n; ) {
            double f = 0;
            for (int k = 0; k < d; k++) {
                x[i][k] = Math.rint(64 * rnd.nextGaussian()) / 64;
                f += u[k] * x[i][k];
            }
            if (Math.abs(f) >= margin) y[i++] = Math.signum(f);
        }
        return new Labeled(x, y);
    }
}
