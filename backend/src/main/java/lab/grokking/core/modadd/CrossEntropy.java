package lab.grokking.core.modadd;

/**
 * Softmax cross-entropy of float32 logits, in double and in log space. Per sample, with r_j = z_j − z_y:
 * L = ln Σ_{j≠y} e^{r_j} (log-sum-exp), ℓ = softplus(L) = ln(1 + e^L); so ℓ keeps its relative precision down to
 * e^−745 (a naive ln Σ e^{z_j} − z_y is 0 below ~10⁻¹⁶), and ln ℓ ≈ L below that. The gradient weights
 * ∂ℓ/∂z_j = e^{r_j − ℓ}, ∂ℓ/∂z_y = −e^{L − ℓ} are formed in log space too, so a shift c (ln n, and ln 𝓛 for
 * the loss-normalised step) is applied before exponentiating: nothing overflows however small 𝓛 gets.
 */
final class CrossEntropy {
    private CrossEntropy() {}

    static final double LN2_HI = 6.93147180369123816490e-01,
            LN2_LO = 1.90821492927058770002e-10,
            INV_LN2 = 1.44269504088896338700e+00;

    /** Taylor series of e^r to degree 12 (truncation < 1e-15 on |r| ≤ 0.35): 1/12!, then the lower coefficients by Horner. */
    static final double TAYLOR_TOP = 1.0 / 479001600;

    /** Twelve of them: VectorMatMul.expRow writes its Horner steps out one per coefficient. */
    static final double[] TAYLOR = {
        1.0 / 39916800,
        1.0 / 3628800,
        1.0 / 362880,
        1.0 / 40320,
        1.0 / 5040,
        1.0 / 720,
        1.0 / 120,
        1.0 / 24,
        1.0 / 6,
        0.5,
        1.0,
        1.0
    };

    /**
     * e^x from +, ×, fma and an exact power-of-two scaling only, so it is bit-reproducible on every JVM (the
     * training step needs n·p of them; StrictMath.exp is several times slower). Relative error ≲ 1e-14.
     */
    static double exp(double x) {
        if (x < -745.2) return 0;
        if (x > 709.7) return Double.POSITIVE_INFINITY;
        if (Double.isNaN(x)) return x;
        double k = Math.rint(x * INV_LN2);
        double r = Math.fma(-k, LN2_LO, Math.fma(-k, LN2_HI, x));
        double q = TAYLOR_TOP;
        for (double c : TAYLOR) q = Math.fma(q, r, c);
        // q·2^k by exact power-of-two factors (Math.scalb is not intrinsified); below 2^−1022 in two factors, one
        // rounding
        int ki = (int) k;
        if (ki >= -1022) return q * Double.longBitsToDouble((long) (ki + 1023) << 52);
        return q * Double.longBitsToDouble((long) (ki + 600 + 1023) << 52) * 0x1p-600;
    }

    /** softplus(L) = ln(1 + e^L), stable both ways. */
    static double softplus(double l) {
        return l > 0 ? l + StrictMath.log1p(StrictMath.exp(-l)) : StrictMath.log1p(StrictMath.exp(l));
    }

    /** ln softplus(L): exactly L (to 1e-13 relative) once e^L is below 1e-13, where ln(ln(1 + e^L)) would round. */
    static double logSoftplus(double l, double sp) {
        return l < -30 ? l : StrictMath.log(sp);
    }

    /** L = ln Σ_{j≠y} e^{z_j − z_y} of logits row z[o..o+p) with label y, summed in order with StrictMath.exp (the metrics). */
    static double logOthers(float[] z, int o, int p, int y) {
        double zy = z[o + y], m = Double.NEGATIVE_INFINITY;
        for (int j = 0; j < p; j++) if (j != y) m = Math.max(m, z[o + j] - zy);
        if (m == Double.NEGATIVE_INFINITY) return m; // p = 1 cannot happen (p ≥ 2); kept for safety
        double s = 0;
        for (int j = 0; j < p; j++) {
            if (j == y) continue;
            double t = (z[o + j] - zy) - m;
            s += StrictMath.exp(t);
        }
        return m + StrictMath.log(s);
    }

    /**
     * The training step's L of rows i in [from, to) of z (row stride ld, a multiple of 8 ≥ p) into out[i]. Its sum
     * has a fixed order that {@link VectorMatMul} reproduces bit for bit: four partial sums, lane l taking the
     * classes j ≡ l (mod 4) in ascending order, combined as (s₀ + s₁) + (s₂ + s₃).
     */
    static void logOthersRows(float[] z, int ld, int p, int[] y, int from, int to, double[] out) {
        for (int i = from; i < to; i++) {
            int o = i * ld, yi = y[i];
            float mx = Float.NEGATIVE_INFINITY;
            for (int j = 0; j < p; j++) if (j != yi) mx = Math.max(mx, z[o + j]);
            if (mx == Float.NEGATIVE_INFINITY) {
                out[i] = mx;
                continue;
            }
            double zy = z[o + yi], m = mx - zy; // = max_j (z_j − z_y): subtracting z_y is monotone
            double s0 = 0, s1 = 0, s2 = 0, s3 = 0;
            for (int j = 0; j < p; j += 4) {
                s0 += term(z, o, p, yi, zy, m, j);
                s1 += term(z, o, p, yi, zy, m, j + 1);
                s2 += term(z, o, p, yi, zy, m, j + 2);
                s3 += term(z, o, p, yi, zy, m, j + 3);
            }
            out[i] = m + StrictMath.log((s0 + s1) + (s2 + s3));
        }
    }

    private static double term(float[] z, int o, int p, int y, double zy, double m, int j) {
        return j < p && j != y ? exp((z[o + j] - zy) - m) : 0;
    }

    /**
     * The gradient weights of rows [from, to) into dz: e^{(z_j − z_y) − s} for j ≠ y and −e^{L − s} for y, with
     * s = sp[i] + shift (the shift divides by n, or by n·𝓛, before exponentiating).
     */
    static void gradientRows(
            float[] z,
            int ld,
            int p,
            int[] y,
            double[] lOthers,
            double[] sp,
            double shift,
            float[] dz,
            int from,
            int to) {
        for (int i = from; i < to; i++) {
            int o = i * ld, yi = y[i];
            double zy = z[o + yi], s = sp[i] + shift;
            for (int j = 0; j < p; j++) dz[o + j] = j == yi ? 0f : (float) exp((z[o + j] - zy) - s);
            dz[o + yi] = (float) -exp(lOthers[i] - s);
        }
    }

    /** ln of the mean of e^{v_i} (log-sum-exp over i minus ln n). */
    static double logMeanExp(double[] v, int n) {
        double m = Double.NEGATIVE_INFINITY;
        for (int i = 0; i < n; i++) m = Math.max(m, v[i]);
        if (m == Double.NEGATIVE_INFINITY || !Double.isFinite(m)) return m;
        double s = 0;
        for (int i = 0; i < n; i++) s += StrictMath.exp(v[i] - m);
        return m + StrictMath.log(s) - StrictMath.log(n);
    }

    /** Train or test metrics of a logits matrix (rows of stride ld): mean loss, ln of the mean loss, accuracy (argmax, first index on ties), min margin. */
    static double[] metrics(float[] z, int ld, int n, int p, int[] y, double[] scratch) {
        double sum = 0, minMargin = Double.POSITIVE_INFINITY;
        int correct = 0;
        for (int i = 0; i < n; i++) {
            int o = i * ld, yi = y[i];
            double l = logOthers(z, o, p, yi), sp = softplus(l);
            sum += sp;
            scratch[i] = logSoftplus(l, sp);
            float best = z[o];
            int arg = 0;
            double other = Double.NEGATIVE_INFINITY;
            for (int j = 0; j < p; j++) {
                if (z[o + j] > best) {
                    best = z[o + j];
                    arg = j;
                }
                if (j != yi) other = Math.max(other, z[o + j]);
            }
            if (arg == yi) correct++;
            minMargin = Math.min(minMargin, z[o + yi] - other);
        }
        return new double[] {sum / n, logMeanExp(scratch, n), correct / (double) n, minMargin};
    }
}
