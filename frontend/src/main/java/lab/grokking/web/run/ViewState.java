package lab.grokking.web.run;

import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeSet;

/**
 * What a shared link restores: x axis (step or continuous time), log or linear x, the scrubbed step, and the
 * panels hidden (chart keys, or "predictors"). Read from and written to the URL's query string; bad values fall
 * back to the defaults rather than failing the page.
 */
public record ViewState(String x, boolean xlog, Long step, Set<String> hidden) {
    public static final ViewState DEFAULT = new ViewState("step", true, null, Set.of());
    /** The predictor panel's key among the panels that can be hidden. */
    public static final String PREDICTORS = "predictors";

    public ViewState {
        hidden = Set.copyOf(new TreeSet<>(hidden)); // ordered in the query, immutable
    }

    public static ViewState parse(Map<String, List<String>> query) {
        String x = first(query, "x")
                .filter(v -> v.equals("step") || v.equals("time"))
                .orElse(DEFAULT.x);
        boolean xlog = first(query, "xlog").map(v -> !v.equals("0")).orElse(DEFAULT.xlog);
        Long step = first(query, "step").flatMap(ViewState::parseStep).orElse(null);
        Set<String> hidden = new TreeSet<>();
        first(query, "hide").ifPresent(v -> {
            for (String k : v.split(","))
                if (k.matches("[a-z_]{1,32}")) hidden.add(k); // keys only; anything else is dropped
        });
        return new ViewState(x, xlog, step, hidden);
    }

    public ViewState withX(String x) {
        return new ViewState(x, xlog, step, hidden);
    }

    public ViewState withXlog(boolean xlog) {
        return new ViewState(x, xlog, step, hidden);
    }

    public ViewState withStep(Long step) {
        return new ViewState(x, xlog, step, hidden);
    }

    public ViewState withHidden(Set<String> hidden) {
        return new ViewState(x, xlog, step, hidden);
    }

    /** The query string (without '?') that restores this state. */
    public String query() {
        return "x=" + x + "&xlog=" + (xlog ? 1 : 0) + (step == null ? "" : "&step=" + step)
                + (hidden.isEmpty() ? "" : "&hide=" + String.join(",", new TreeSet<>(hidden)));
    }

    private static Optional<String> first(Map<String, List<String>> q, String k) {
        List<String> v = q.get(k);
        return v == null || v.isEmpty() ? Optional.empty() : Optional.of(v.get(0));
    }

    private static Optional<Long> parseStep(String s) {
        try {
            long v = Long.parseLong(s);
            return v >= 0 ? Optional.of(v) : Optional.empty();
        } catch (NumberFormatException e) {
            return Optional.empty();
        }
    }
}
