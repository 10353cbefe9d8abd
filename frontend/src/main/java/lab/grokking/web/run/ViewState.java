package lab.grokking.web.run;

import java.util.List;
import java.util.Map;
import java.util.Optional;

/**
 * What a shared link restores: x axis (step or continuous time), log or linear x, the scrubbed step. Read from
 * and written to the URL's query string; bad values fall back to the defaults rather than failing the page.
 */
public record ViewState(String x, boolean xlog, Long step) {
    public static final ViewState DEFAULT = new ViewState("step", true, null);

    public static ViewState parse(Map<String, List<String>> query) {
        String x = first(query, "x").filter(v -> v.equals("step") || v.equals("time")).orElse(DEFAULT.x);
        boolean xlog = first(query, "xlog").map(v -> !v.equals("0")).orElse(DEFAULT.xlog);
        Long step = first(query, "step").flatMap(ViewState::parseStep).orElse(null);
        return new ViewState(x, xlog, step);
    }

    public ViewState withX(String x) { return new ViewState(x, xlog, step); }

    public ViewState withXlog(boolean xlog) { return new ViewState(x, xlog, step); }

    public ViewState withStep(Long step) { return new ViewState(x, xlog, step); }

    /** The query string (without '?') that restores this state. */
    public String query() {
        return "x=" + x + "&xlog=" + (xlog ? 1 : 0) + (step == null ? "" : "&step=" + step);
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
