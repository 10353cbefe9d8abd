package lab.grokking.core.task;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import lab.grokking.core.config.RunConfig;

/**
 * The one answer to "how long": the task's cost model (rates measured on the project's 2-core machine) times a
 * correction learnt on this host per (task, kernel, size class) from the runs that finish here, kept across
 * restarts in a {@link ThroughputLog}. Home cards, the configure form, queue waits and the CLI all read it.
 */
public final class Estimates {
    /** How much one finished run moves the correction (an exponential moving average). */
    static final double WEIGHT = 0.3;
    /** A run shorter than this measures start-up, not speed; one whose prediction was shorter, too. */
    static final double MIN_SECONDS = 1.0;
    /** A correction is kept within these bounds: a factor beyond them is a stall or a bug, not the host's speed. */
    static final double MIN_FACTOR = 0.1, MAX_FACTOR = 10;

    private final ThroughputLog log;
    private final Map<String, Double> factors;

    public Estimates(ThroughputLog log) {
        this.log = log;
        this.factors = new ConcurrentHashMap<>(log.load());
    }

    /** An estimator that learns in memory only (the CLI, tests). */
    public static Estimates inMemory() {
        return new Estimates(ThroughputLog.NONE);
    }

    /** Key of a correction: runs of the same task, kernel and size class run at the same speed. */
    static String key(String task, Cost c) {
        return task + "/" + c.kernel() + "/" + c.sizeClass();
    }

    /** Predicted wall seconds of a whole run of this (valid) config on this host. */
    public double seconds(RunConfig rc) {
        Cost c = rc.cost();
        return c.seconds() * factors.getOrDefault(key(rc.task(), c), 1.0);
    }

    /** A whole, uninterrupted run of this config took {@code seconds} here (a resumed one did part of its work elsewhere). */
    public void observe(RunConfig rc, double seconds) {
        Cost c = rc.cost();
        if (!(seconds >= MIN_SECONDS) || !(c.seconds() >= MIN_SECONDS)) return;
        double ratio = Math.min(MAX_FACTOR, Math.max(MIN_FACTOR, seconds / c.seconds()));
        String key = key(rc.task(), c);
        double f = factors.merge(key, ratio, (old, now) -> (1 - WEIGHT) * old + WEIGHT * now);
        log.save(key, f);
    }
}
