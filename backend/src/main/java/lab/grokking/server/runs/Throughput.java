package lab.grokking.server.runs;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

/**
 * Multiply-adds per second each task reaches on this machine: starts from rates measured on the project's
 * 2-core machine and follows the runs that finish here (a moving average), so time estimates fit the host.
 */
final class Throughput {
    /** Measured with the classroom presets on 2 cores (docs/benchmarks.md). */
    private static final Map<String, Double> MEASURED = Map.of("diag", 2.0e9, "mc", 1.0e9, "modadd", 6.0e9);
    private final Map<String, Double> rates = new ConcurrentHashMap<>(MEASURED);

    double seconds(String task, double work) { return work / rates.getOrDefault(task, 1e9); }

    /** A run of this much work took this long (uninterrupted runs only: a resumed one did part of its work elsewhere). */
    void observe(String task, double work, double seconds) {
        if (!(seconds > 0.5) || !(work > 0)) return; // short runs measure start-up, not speed
        rates.merge(task, work / seconds, (old, now) -> 0.7 * old + 0.3 * now);
    }
}
