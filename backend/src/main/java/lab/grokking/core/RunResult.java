package lab.grokking.core;

import java.util.Map;

/**
 * A finished (or stopped) run: its metric series, a summary of scalars (predictors, certificates,
 * timings), why it stopped, and its provenance.
 */
public record RunResult(
        RunStatus status, String message, MetricTable metrics, Map<String, Object> summary, Provenance provenance) {}
