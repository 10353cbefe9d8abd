package lab.grokking.core.sweep;

/** Student's t distribution: the two-sided quantile behind a confidence interval. */
final class StudentT {
    private StudentT() {}

    /** t such that P(|T| ≤ t) = {@code level} with {@code dof} degrees of freedom (bisection on the CDF). */
    static double twoSided(double level, int dof) {
        if (dof < 1) throw new IllegalArgumentException("dof must be ≥ 1, got " + dof);
        double target = 1 - (1 - level) / 2, lo = 0, hi = 1;
        while (cdf(hi, dof) < target) hi *= 2;
        for (int i = 0; i < 200 && hi - lo > 1e-12 * hi; i++) {
            double mid = (lo + hi) / 2;
            if (cdf(mid, dof) < target) lo = mid;
            else hi = mid;
        }
        return (lo + hi) / 2;
    }

    /** P(T ≤ t) for t ≥ 0: 1 − I_{ν/(ν+t²)}(ν/2, 1/2) / 2. */
    static double cdf(double t, int dof) {
        return 1 - 0.5 * incompleteBeta(dof / (dof + t * t), dof / 2.0, 0.5);
    }

    /** The regularised incomplete beta function I_x(a, b) (continued fraction, modified Lentz). */
    static double incompleteBeta(double x, double a, double b) {
        if (x <= 0) return 0;
        if (x >= 1) return 1;
        double front = StrictMath.exp(
                lnGamma(a + b) - lnGamma(a) - lnGamma(b) + a * StrictMath.log(x) + b * StrictMath.log(1 - x));
        if (x > (a + 1) / (a + b + 2)) return 1 - front * fraction(1 - x, b, a) / b;
        return front * fraction(x, a, b) / a;
    }

    private static double fraction(double x, double a, double b) {
        double tiny = 1e-300, c = 1, d = 1 - (a + b) * x / (a + 1);
        d = 1 / (Math.abs(d) < tiny ? tiny : d);
        double h = d;
        for (int m = 1; m <= 500; m++) {
            int m2 = 2 * m;
            double num = m * (b - m) * x / ((a + m2 - 1) * (a + m2));
            d = 1 + num * d;
            c = 1 + num / c;
            d = 1 / (Math.abs(d) < tiny ? tiny : d);
            c = Math.abs(c) < tiny ? tiny : c;
            h *= d * c;
            num = -(a + m) * (a + b + m) * x / ((a + m2) * (a + m2 + 1));
            d = 1 + num * d;
            c = 1 + num / c;
            d = 1 / (Math.abs(d) < tiny ? tiny : d);
            c = Math.abs(c) < tiny ? tiny : c;
            double delta = d * c;
            h *= delta;
            if (Math.abs(delta - 1) < 1e-15) break;
        }
        return h;
    }

    /** ln Γ(x) for x > 0 (Lanczos, g = 7, nine terms: about 15 digits). */
    static double lnGamma(double x) {
        if (x < 0.5) return StrictMath.log(Math.PI / StrictMath.sin(Math.PI * x)) - lnGamma(1 - x);
        double[] g = {
            0.99999999999980993,
            676.5203681218851,
            -1259.1392167224028,
            771.32342877765313,
            -176.61502916214059,
            12.507343278686905,
            -0.13857109526572012,
            9.9843695780195716e-6,
            1.5056327351493116e-7
        };
        x -= 1;
        double s = g[0], t = x + 7.5;
        for (int i = 1; i < g.length; i++) s += g[i] / (x + i);
        return 0.5 * StrictMath.log(2 * Math.PI) + (x + 0.5) * StrictMath.log(t) - t + StrictMath.log(s);
    }
}
