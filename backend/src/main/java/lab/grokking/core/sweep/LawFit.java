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

    /** The fit, or null with fewer than 3 points or no spread in x. */
    public static LawFit fit(double[] x, double[] y) {
        throw new UnsupportedOperationException("TODO");
    }

    /** The law's constant: λ·t* = ln α − c, so c = −intercept. */
    public double c() {
        return -intercept;
    }
}
