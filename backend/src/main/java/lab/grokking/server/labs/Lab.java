package lab.grokking.server.labs;

import java.util.Locale;
import java.util.Map;

/**
 * A classroom lab: a preset, instructions, and per-field rules. Fields without a rule are locked at the preset's value;
 * hidden fields are locked and never shown to students. Its lifecycle: students may start runs until {@code expiresAt}
 * (epoch millis) or until the teacher closes it, at most {@code maxRuns} submissions in all, and each student (client
 * token) at most {@code quotaRunning} unfinished and {@code quotaTotal} in all. {@code share}: what students see of the
 * class's results.
 */
public record Lab(
        String id,
        String preset,
        String title,
        String instructions,
        Map<String, Rule> rules,
        long expiresAt,
        int maxRuns,
        int quotaRunning,
        int quotaTotal,
        boolean closed,
        Share share) {
    public enum Mode {
        EDITABLE,
        LOCKED,
        HIDDEN
    }

    /** What students see of the class's results: nothing, the runs without names, or the runs with names. */
    public enum Share {
        NONE,
        ANONYMOUS,
        NAMED;

        public String json() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    /** min/max bound an editable number (null: only the server's own limits). */
    public record Rule(Mode mode, Double min, Double max) {}

    public Lab {
        if (share == null) share = Share.NONE; // labs stored before sharing existed
    }

    public Rule rule(String field) {
        return rules.getOrDefault(field, new Rule(Mode.LOCKED, null, null));
    }

    public boolean expired(long nowMillis) {
        return expiresAt > 0 && nowMillis >= expiresAt;
    }

    public Lab withClosed(boolean c) {
        return new Lab(id, preset, title, instructions, rules, expiresAt, maxRuns, quotaRunning, quotaTotal, c, share);
    }

    public Lab withShare(Share s) {
        return new Lab(id, preset, title, instructions, rules, expiresAt, maxRuns, quotaRunning, quotaTotal, closed, s);
    }
}
