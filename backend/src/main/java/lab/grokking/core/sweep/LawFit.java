package lab.grokking.core.sweep;

/**
 * An ordinary least-squares line y = slope·x + intercept through {@code points} points, with R² and 95 % intervals of
 * slope and intercept (Student's t, n − 2 degrees of freedom). For the paper's law x = ln α, y = λ·η·k* (k* the
 * transition step of grokked runs): slope ≈ 1 and {@link #c()} the constant of the data.
 */
public record LawFit(
        int points,
        double slope,
        double intercept,
        double r2,
        double slopeLow,
        double slopeHigh,
        double interceptLow,
        double interceptHigh) {
    /** The confidence of the intervals. */
    public static final double CONFIDENCE = 0.95;

    /** Fewest points of a fit: two leave no degree of freedom for the intervals. */
    public static final int MIN_POINTS = 3;

    /** The fit, or null with fewer than {@link #MIN_POINTS} points or no spread in x. */
    public static LawFit fit(double[] x, double[] y) {
        if (x.length != y.length) throw new IllegalArgumentException(x.length + " x values but " + y.length + " y");
        int n = x.length;
        if (n < MIN_POINTS) return null;
        double mx = 0, my = 0;
        for (int i = 0; i < n; i++) {
            mx += x[i];
            my += y[i];
        }
        mx /= n;
        my /= n;
        double sxx = 0, sxy = 0, syy = 0;
        for (int i = 0; i < n; i++) {
            double dx = x[i] - mx, dy = y[i] - my;
            sxx += dx * dx;
            sxy += dx * dy;
            syy += dy * dy;
        }
        if (!(sxx > 0)) return null;
        double slope = sxy / sxx, intercept = my - slope * mx, res = 0;
        for (int i = 0; i < n; i++) {
            double r = y[i] - (slope * x[i] + intercept);
            res += r * r;
        }
        double r2 = syy > 0 ? 1 - res / syy : 1;
        double s2 = res / (n - 2), t = StudentT.twoSided(CONFIDENCE, n - 2);
        double seSlope = Math.sqrt(s2 / sxx), seIntercept = Math.sqrt(s2 * (1.0 / n + mx * mx / sxx));
        return new LawFit(
                n,
                slope,
                intercept,
                r2,
                slope - t * seSlope,
                slope + t * seSlope,
                intercept - t * seIntercept,
                intercept + t * seIntercept);
    }

    /** The law's constant: λ·t* = ln α − c, so c = −intercept. */
    public double c() {
        return -intercept;
    }
}
