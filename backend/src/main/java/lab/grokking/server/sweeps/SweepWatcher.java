package lab.grokking.server.sweeps;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * One watcher of a sweep ({@link SweepService#watch}): tells its listener the report, then, every period, each member
 * whose status, progress decile or outcome changed since it last told, then the end once every member has ended.
 */
final class SweepWatcher implements AutoCloseable {
    private static final System.Logger LOG = System.getLogger(SweepWatcher.class.getName());

    private final Supplier<SweepReport> report;
    private final SweepListener listener;
    private final ScheduledExecutorService timer;
    private final long periodMillis;
    private final Map<Integer, String> told = new HashMap<>();
    private ScheduledFuture<?> future;
    private boolean ended;

    SweepWatcher(
            Supplier<SweepReport> report, SweepListener listener, ScheduledExecutorService timer, long periodMillis) {
        this.report = report;
        this.listener = listener;
        this.timer = timer;
        this.periodMillis = periodMillis;
    }

    synchronized void start() {
        SweepReport r = report.get();
        for (SweepReport.Member m : r.members()) told.put(m.index(), key(m));
        listener.start(r);
        if (r.done()) end(r);
        else future = timer.scheduleWithFixedDelay(this::tick, periodMillis, periodMillis, TimeUnit.MILLISECONDS);
    }

    private synchronized void tick() {
        if (ended) return;
        try {
            SweepReport r = report.get();
            for (SweepReport.Member m : r.members()) {
                String k = key(m);
                if (!k.equals(told.put(m.index(), k))) listener.member(m, r.counts());
            }
            if (r.done()) end(r);
        } catch (RuntimeException e) { // a store read or the listener failed: the next tick tries again
            LOG.log(System.Logger.Level.WARNING, "sweep watcher: " + e.getMessage());
        }
    }

    private void end(SweepReport r) {
        ended = true;
        if (future != null) future.cancel(false);
        listener.end(r);
    }

    @Override
    public synchronized void close() {
        ended = true;
        if (future != null) future.cancel(false);
    }

    /** What a change is: the status, the progress decile, the outcome. */
    private static String key(SweepReport.Member m) {
        return m.status() + "/" + (int) Math.floor(m.fraction() * 10) + "/"
                + m.classification().outcome();
    }
}
