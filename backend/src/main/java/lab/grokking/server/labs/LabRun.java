package lab.grokking.server.labs;

import java.util.Map;
import lab.grokking.core.sweep.Classification;

/**
 * One student's submission in a lab: the run it started or found (identical configs in a lab share one run), the
 * display name the student chose (null: none), the student's client id (null in views other than the teacher's),
 * the run's status, the fields the student changed from the preset (name → value), the last row's metrics, the
 * outcome, whether the teacher hid it from the class view, and when it was submitted (epoch millis).
 */
public record LabRun(
        String runId,
        String name,
        String client,
        String status,
        Map<String, Object> changed,
        Map<String, Double> finals,
        Classification classification,
        boolean hidden,
        long createdAt) {}
