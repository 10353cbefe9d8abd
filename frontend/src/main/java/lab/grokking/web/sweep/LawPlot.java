package lab.grokking.web.sweep;

import java.util.ArrayList;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.grokking.core.sweep.LawFit;
import lab.grokking.core.sweep.Outcome;

/**
 * The law view's two plots: λ·η·k* against ln α with the fitted line (the paper's λ·t* = ln α − c, slope 1), and the
 * raw k* against ln(α)/(λη) on log axes with the line k* = ln(α)/(λη). Points: members with a transition step k*,
 * coloured by outcome; the fit (the sweep's, over its grokked members) is drawn as given.
 */
public final class LawPlot {
    private LawPlot() {}

    /** One member: its α, λ (weight decay), η (learning rate), transition step k* and outcome. */
    public record Point(double alpha, double lambda, double eta, long k, Outcome outcome) {
        double lnAlpha() {
            return Math.log(alpha);
        }

        /** λ·η·k*, the continuous switch time scaled by λ. */
        double scaledTime() {
            return lambda * eta * k;
        }

        /** ln(α)/(λη), the theorem's step. */
        double predictedStep() {
            return Math.log(alpha) / (lambda * eta);
        }

        /** Where the law is defined: α > 1 (a kernel phase to leave), λ > 0, η > 0, k* > 0. */
        boolean plottable() {
            return alpha > 1 && lambda > 0 && eta > 0 && k > 0;
        }
    }

    /** How many of {@code points} the law view draws. */
    static long plottable(List<Point> points) {
        return points.stream().filter(Point::plottable).count();
    }

    public static Map<String, Object> document(List<Point> points, LawFit fit) {
        List<Point> ok = points.stream().filter(Point::plottable).toList();
        Map<Outcome, List<Point>> by = new EnumMap<>(Outcome.class);
        for (Point p : ok)
            by.computeIfAbsent(p.outcome(), o -> new ArrayList<>()).add(p);

        List<Map<String, Object>> lawGroups = new ArrayList<>(), rawGroups = new ArrayList<>();
        for (var e : by.entrySet()) {
            lawGroups.add(group(
                    e.getKey(),
                    e.getValue().stream().map(Point::lnAlpha).toList(),
                    e.getValue().stream().map(Point::scaledTime).toList()));
            rawGroups.add(group(
                    e.getKey(),
                    e.getValue().stream().map(Point::predictedStep).toList(),
                    e.getValue().stream().map(p -> (double) p.k()).toList()));
        }
        List<Map<String, Object>> lawLines = new ArrayList<>(), rawLines = new ArrayList<>();
        if (fit != null && !ok.isEmpty()) {
            double lo = ok.stream().mapToDouble(Point::lnAlpha).min().orElseThrow(),
                    hi = ok.stream().mapToDouble(Point::lnAlpha).max().orElseThrow();
            lawLines.add(line(
                    "fit: " + SweepText.number(fit.slope()) + "·ln α − " + SweepText.number(fit.c()),
                    "#444444",
                    false,
                    lo,
                    fit.slope() * lo + fit.intercept(),
                    hi,
                    fit.slope() * hi + fit.intercept()));
        }
        if (!ok.isEmpty()) {
            double lo = ok.stream().mapToDouble(Point::predictedStep).min().orElseThrow(),
                    hi = ok.stream().mapToDouble(Point::predictedStep).max().orElseThrow();
            rawLines.add(line("k* = ln(α)/(λη)", "#444444", true, lo, lo, hi, hi));
        }
        Map<String, Object> law = new LinkedHashMap<>();
        law.put("key", "law");
        law.put("title", "λ·η·k* against ln α (the law: slope 1, intercept −c)");
        law.put("xlabel", "ln α");
        law.put("ylabel", "λ·η·k*");
        law.put("xlog", false);
        law.put("ylog", false);
        law.put("groups", lawGroups);
        law.put("lines", lawLines);
        Map<String, Object> raw = new LinkedHashMap<>();
        raw.put("key", "raw");
        raw.put("title", "k* against ln(α)/(λη), log axes");
        raw.put("xlabel", "ln(α)/(λη)");
        raw.put("ylabel", "k* (step)");
        raw.put("xlog", true);
        raw.put("ylog", true);
        raw.put("groups", rawGroups);
        raw.put("lines", rawLines);
        return Map.of("charts", List.of(law, raw));
    }

    private static Map<String, Object> group(Outcome o, List<Double> x, List<Double> y) {
        return Map.of("label", o.label(), "colour", OutcomeColours.of(o), "x", x, "y", y);
    }

    private static Map<String, Object> line(
            String label, String colour, boolean dash, double x0, double y0, double x1, double y1) {
        return Map.of("label", label, "colour", colour, "dash", dash, "x", List.of(x0, x1), "y", List.of(y0, y1));
    }
}
