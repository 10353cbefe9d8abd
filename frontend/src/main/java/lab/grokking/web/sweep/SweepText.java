package lab.grokking.web.sweep;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import lab.grokking.core.sweep.LawFit;
import lab.grokking.core.sweep.Outcome;
import lab.grokking.web.compare.Legends;

/** How the sweep page words its numbers: axis values, the law's fit, the progress line. */
public final class SweepText {
    private SweepText() {}

    /** The law's prediction for the slope of λ·η·k* against ln α. */
    public static final double LAW_SLOPE = 1;

    /** An axis value as typed: 10, 0.001, 3e-05 (4 significant digits). */
    public static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e6) return Long.toString((long) v);
        double a = Math.abs(v);
        String s = a >= 1e-3 && a < 1e6 ? String.format(Locale.ROOT, "%.4g", v) : String.format(Locale.ROOT, "%.3e", v);
        // drop trailing zeros of the mantissa: 0.001000 → 0.001, 3.000e-05 → 3e-05
        return s.contains("e") ? s.replaceAll("\\.?0+e", "e") : s.contains(".") ? s.replaceAll("\\.?0+$", "") : s;
    }

    /** A config field as users write it (α, λ, η, or its name). */
    public static String symbol(String field) {
        return Legends.symbol(field);
    }

    /** "slope 1.02 [0.95, 1.09], c = 2.1, R² = 0.97 over 15 grokked runs; the law predicts slope 1". */
    public static String law(LawFit f) {
        if (f == null) return "No fit yet: the law's line needs at least 3 grokked runs with different α.";
        return String.format(
                Locale.ROOT,
                "slope %.3g [%.3g, %.3g], c = %.3g [%.3g, %.3g], R² = %.3f over %d grokked runs (%s %% intervals); "
                        + "the law predicts slope %s",
                f.slope(),
                f.slopeLow(),
                f.slopeHigh(),
                f.c(),
                -f.interceptHigh(),
                -f.interceptLow(),
                f.r2(),
                f.points(),
                number(100 * LawFit.CONFIDENCE),
                number(LAW_SLOPE));
    }

    /** "12 / 45 members done: 10 grokked, 2 memorised": members ended (any outcome but not finished) and the counts. */
    public static String progress(int done, int total, Map<Outcome, Integer> counts) {
        List<String> parts = new ArrayList<>();
        for (Outcome o : Outcome.values()) {
            int n = counts.getOrDefault(o, 0);
            if (n > 0) parts.add(n + " " + o.label());
        }
        return done + " / " + total + " members ended" + (parts.isEmpty() ? "" : ": " + String.join(", ", parts));
    }
}
