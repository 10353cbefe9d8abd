package lab.grokking.core.linreg;

import lab.grokking.core.Rng;

/** The design X (n×d, rows of N(0, I)), the k-sparse ±1 target w* and the labels y = Xw*, all from the seed. */
record LinregData(double[] x, double[] y, double[] wStar) {
    static LinregData generate(LinregConfig c) {
        int n = c.n(), d = c.d();
        Rng r = Rng.stream(c.seed(), "linreg-data", 0);
        double[] wStar = new double[d];
        for (int placed = 0; placed < c.k(); ) {
            int j = r.nextInt(d);
            if (wStar[j] == 0) {
                wStar[j] = r.nextBoolean() ? 1 : -1;
                placed++;
            }
        }
        double[] x = new double[n * d], y = new double[n];
        for (int i = 0; i < n; i++) {
            double s = 0;
            for (int j = 0; j < d; j++) {
                x[i * d + j] = r.nextGaussian();
                s += x[i * d + j] * wStar[j];
            }
            y[i] = s;
        }
        return new LinregData(x, y, wStar);
    }
}
