package lab.grokking.web.classroom;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.Duration;
import java.time.Instant;
import java.util.Map;

/**
 * The lifecycle part of the builder's request to create a lab: when it expires (typed as hours from now, sent as the
 * ISO instant {@code expires_at}), the cap on runs in the lab ({@code max_runs}) and each student's quota
 * ({@code quota: {running, total}}). An empty field is left out: the server's default applies, and the server checks
 * every value against its limits.
 */
final class LabRequest {
    private LabRequest() {}

    /** The server's name of each lifecycle field → the builder's input for it (where its problems are shown). */
    static final Map<String, String> FIELDS = Map.of(
            "expires_at", "lab-hours",
            "max_runs", "lab-max-runs",
            "quota", "lab-quota-running",
            "quota.running", "lab-quota-running",
            "quota.total", "lab-quota-total");

    static void lifecycle(
            ObjectNode req, Double hours, Integer maxRuns, Integer quotaRunning, Integer quotaTotal, Instant now) {
        if (hours != null) { // clamped into Instant's range; the server refuses what is beyond its own maximum
            double h = Math.max(-1e9, Math.min(1e9, hours));
            req.put(
                    "expires_at",
                    now.plus(Duration.ofSeconds(Math.round(h * 3600))).toString());
        }
        if (maxRuns != null) req.put("max_runs", maxRuns);
        if (quotaRunning != null || quotaTotal != null) {
            ObjectNode q = req.putObject("quota");
            if (quotaRunning != null) q.put("running", quotaRunning);
            if (quotaTotal != null) q.put("total", quotaTotal);
        }
    }

    /** The teacher's results page of a lab, opened with its key. */
    static String resultsPath(String labId, String teacherKey) {
        return "lab/" + labId + "/results?key=" + teacherKey;
    }
}
