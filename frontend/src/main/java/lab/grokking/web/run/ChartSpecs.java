package lab.grokking.web.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Which charts each task shows and where the theory puts the transition: the document the grok-charts element
 * is configured with. Plain data, so the chart choice is tested without a browser.
 */
public final class ChartSpecs {
    private ChartSpecs() {}

    /** dash: drawn dashed (a reference curve, e.g. the kernel-regime norm). */
    public record Series(String column, String label, boolean dash) {}

    public record Chart(String key, String title, boolean ylog, String ylabel, List<Series> series) {}

    public record Run(String id, String label) {}

    /** The charts of a task, metrics first, then the predictor curves. */
    public static List<Chart> charts(String task) {
        return switch (task) {
            case "diag" -> List.of(
                    new Chart("acc", "Accuracy", false, "accuracy", List.of(s("train_acc", "train"), s("test_acc", "test"))),
                    new Chart("loss", "Logistic loss", true, "loss", List.of(s("train_loss", "train"), s("test_loss", "test"))),
                    new Chart("norm", "‖θ‖₂ and the kernel regime α·e^(−ληk)", true, "norm", List.of(s("norm", "‖θ‖₂"), s("kernel_norm", "α·e^(−ληk)"))),
                    new Chart("cos", "Cosine of w with the early (w₂*) and late (w₁*) predictors", false, "cosine",
                            List.of(s("cos_early", "cos(w, w₂*) early"), s("cos_late", "cos(w, w₁*) late"))),
                    new Chart("agree", "Test-prediction agreement with each predictor", false, "agreement",
                            List.of(s("agree_early", "with w₂* (early)"), s("agree_late", "with w₁* (late)"))));
            case "mc" -> List.of(
                    new Chart("mse", "Mean squared error", true, "MSE", List.of(s("train_mse", "train (observed)"), s("test_mse", "test (unobserved)"))),
                    new Chart("norm", "‖θ‖₂ and the kernel regime α·e^(−ληk)", true, "norm", List.of(s("norm", "‖θ‖₂"), s("kernel_norm", "α·e^(−ληk)"))),
                    new Chart("dist", "Relative distance of W to the early (zero-fill) and late (min-nuclear-norm) predictors", true, "‖W − W*‖/‖W*‖",
                            List.of(s("dist_early", "to zero-fill (early)"), s("dist_late", "to min nuclear norm (late)"))),
                    new Chart("sv", "Leading singular values of W", true, "σ", List.of(s("sv1", "σ₁"), s("sv2", "σ₂"), s("sv3", "σ₃"))));
            case "modadd" -> List.of(
                    new Chart("acc", "Accuracy (with the kernel predictor's test accuracy)", false, "accuracy",
                            List.of(s("train_acc", "train"), s("test_acc", "test"), s("kernel_test_acc", "kernel predictor (test)"))),
                    new Chart("loss", "Cross-entropy loss", true, "loss", List.of(s("train_loss", "train"), s("test_loss", "test"))),
                    new Chart("norm", "‖θ‖₂ and the kernel regime α·e^(−ληk)", true, "norm", List.of(s("norm", "‖θ‖₂"), s("kernel_norm", "α·e^(−ληk)"))),
                    new Chart("margin", "Margin (correct logit minus best wrong logit, min over samples)", false, "margin",
                            List.of(s("train_margin", "train"), s("test_margin", "test"))),
                    new Chart("nmargin", "Normalised margin margin/‖θ‖²", false, "margin/‖θ‖²", List.of(s("normalized_margin", "train"))));
            default -> throw new IllegalArgumentException("unknown task " + task);
        };
    }

    /**
     * The theorem's transition ln(α)/(λη) as a step and as continuous time ln(α)/λ; none without weight decay or
     * with α ≤ 1 (no kernel phase to leave).
     */
    public static List<Map<String, Object>> markers(JsonNode config) {
        double alpha = config.path("alpha").asDouble(1), wd = config.path("weightDecay").asDouble(0), lr = config.path("lr").asDouble(0);
        List<Map<String, Object>> m = new ArrayList<>();
        if (alpha > 1 && wd > 0 && lr > 0) {
            double t = Math.log(alpha) / wd;
            m.add(Map.of("step", t / lr, "time", t, "label", "ln(α)/(λη)"));
        }
        return m;
    }

    /** The configure() document for the grok-charts element: runs of one task with their configs (for the markers). */
    public static Map<String, Object> document(String task, List<Run> runs, List<JsonNode> configs, ViewState state) {
        Map<String, Object> d = new LinkedHashMap<>();
        d.put("runs", runs);
        d.put("charts", charts(task).stream().filter(c -> !state.hidden().contains(c.key())).toList());
        d.put("x", state.x());
        d.put("xlog", state.xlog());
        List<Map<String, Object>> markers = new ArrayList<>();
        for (int i = 0; i < configs.size(); i++)
            for (Map<String, Object> m : markers(configs.get(i))) {
                Map<String, Object> labelled = new LinkedHashMap<>(m);
                if (configs.size() > 1) labelled.put("label", m.get("label") + " · " + runs.get(i).label());
                markers.add(labelled);
            }
        d.put("markers", markers);
        d.put("cursor", state.step());
        d.put("base", "/api");
        return d;
    }

    private static Series s(String column, String label) { return new Series(column, label, column.startsWith("kernel_")); }
}
