package lab.grokking.server.runs;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.math.BigDecimal;
import java.util.List;
import java.util.Locale;
import java.util.OptionalLong;
import lab.grokking.core.config.Configs;
import lab.grokking.core.task.Durations;
import lab.grokking.core.task.Estimates;
import lab.grokking.server.ServerConfig;
import lab.grokking.server.store.RunStore;
import lab.grokking.server.store.StoredRun;

/**
 * What one client may hold of the workers, in estimated seconds of training on this host ({@link Estimates#seconds},
 * the estimate behind every ETA): its runs in flight (queued, running, paused) and the runs it created in the last
 * 24 h (from the store, removed ones included: removing a run refunds nothing); and the wall-clock cap of one attempt.
 * A run's estimate is memoised by id (a day's runs are summed at every submission), so it is charged what it was
 * estimated at when first counted.
 */
final class Budgets {
    static final String IN_FLIGHT = "budget.clientSecondsInFlight",
            PER_DAY = "budget.clientSecondsPerDay",
            FACTOR = "budget.overrunFactor",
            GRACE = "budget.overrunGraceSeconds";
    static final long DAY_MILLIS = 24 * 3600 * 1000L;

    private final double inFlight, perDay, factor, grace;
    private final RunStore store;
    private final Estimates estimates;
    private final Cache<String, Double> seconds =
            Caffeine.newBuilder().maximumSize(100_000).build();

    Budgets(ServerConfig cfg, RunStore store, Estimates estimates) {
        this.inFlight = positive(IN_FLIGHT, cfg.clientSecondsInFlight);
        this.perDay = positive(PER_DAY, cfg.clientSecondsPerDay);
        this.factor = positive(FACTOR, cfg.overrunFactor);
        if (!(cfg.overrunGraceSeconds >= 0) || !Double.isFinite(cfg.overrunGraceSeconds))
            throw new IllegalArgumentException(
                    GRACE + " must be a non-negative number, got " + cfg.overrunGraceSeconds);
        this.grace = cfg.overrunGraceSeconds;
        this.store = store;
        this.estimates = estimates;
    }

    private static double positive(String key, double v) {
        if (!(v > 0) || !Double.isFinite(v))
            throw new IllegalArgumentException(key + " must be a positive number, got " + v);
        return v;
    }

    /** Estimated seconds of a whole run of this stored config on this host. */
    double seconds(StoredRun r) {
        return seconds.get(r.id(), k -> estimates.seconds(Configs.parse(r.config())));
    }

    /**
     * Refuses with a {@link BudgetException} a run estimated at {@code cost} seconds that would take {@code client}
     * over a budget. {@code held}: the client's runs in flight; {@code soonestEnd}: seconds until the first of its
     * running runs is expected to end (null: none runs). {@code newRun}: false for a stopped run queued again, which was
     * charged to the day it was created.
     */
    void admit(String client, double cost, List<StoredRun> held, Double soonestEnd, boolean newRun) {
        double used = held.stream().mapToDouble(this::seconds).sum();
        if (used + cost > inFlight) {
            boolean fits = cost <= inFlight;
            throw new BudgetException(
                    IN_FLIGHT,
                    "this client has " + (used == 0 ? "nothing" : Durations.human(used))
                            + " of estimated training in flight (queued, running or paused); this run is estimated at "
                            + Durations.human(cost) + " and the budget is " + Durations.human(inFlight) + " ("
                            + IN_FLIGHT
                            + " = " + plain(inFlight) + "); "
                            + (fits ? "wait for one of its runs to end, or cancel one" : alone()),
                    fits && soonestEnd != null ? OptionalLong.of(ceil(soonestEnd)) : OptionalLong.empty());
        }
        if (!newRun) return;
        long now = System.currentTimeMillis();
        List<StoredRun> today = store.createdSince(client, now - DAY_MILLIS);
        double spent = today.stream().mapToDouble(this::seconds).sum();
        if (spent + cost <= perDay) return;
        OptionalLong retry = OptionalLong.empty();
        double left = spent;
        if (cost <= perDay)
            for (StoredRun r : today) { // the oldest leave the window first
                left -= seconds(r);
                if (left + cost <= perDay) {
                    retry = OptionalLong.of(ceil((r.createdAt() + DAY_MILLIS - now) / 1000.0));
                    break;
                }
            }
        throw new BudgetException(
                PER_DAY,
                "this client created " + (spent == 0 ? "nothing" : Durations.human(spent))
                        + " of estimated training in the last 24 h; this run is estimated at " + Durations.human(cost)
                        + " and the budget is " + Durations.human(perDay) + " per day (" + PER_DAY + " = "
                        + plain(perDay) + "); "
                        + (retry.isPresent()
                                ? "it fits in " + Durations.human(retry.getAsLong())
                                        + ", when older runs leave the window"
                                : alone()),
                retry);
    }

    private static String alone() {
        return "this run alone exceeds it: choose fewer steps or a smaller model";
    }

    private static long ceil(double seconds) {
        return Math.max(1, (long) Math.ceil(seconds));
    }

    /** The wall-clock cap of one attempt at this run, from its estimate now (corrections learnt since it was charged). */
    Cap cap(StoredRun r) {
        return cap(List.of(r));
    }

    /**
     * The cap of each run of a cohort trained together (see {@link RunService}): their estimates summed, since the
     * cohort trains them in one worker, never slower than one after another.
     */
    Cap cap(List<StoredRun> cohort) {
        double seconds = 0;
        for (StoredRun r : cohort) seconds += estimates.seconds(Configs.parse(r.config()));
        return new Cap(seconds, factor, grace);
    }

    /** One attempt may train {@code factor × estimate + grace} wall seconds. */
    record Cap(double estimate, double factor, double grace) {
        long nanos() {
            return (long) Math.min((factor * estimate + grace) * 1e9, Long.MAX_VALUE / 4.0);
        }

        /** Why the attempt was stopped after {@code trained} seconds; it resumes from {@code step}. */
        String message(double trained, long step) {
            double ratio = trained / estimate;
            String shown = String.format(Locale.ROOT, ratio >= 10 ? "%.0f" : ratio >= 1 ? "%.1f" : "%.2f", ratio);
            return "stopped: trained " + shown + "× its estimated " + Durations.human(estimate) + " (limit " + FACTOR
                    + " = " + plain(factor) + "); POST it again to resume from step " + step;
        }
    }

    /** A setting's value as written: 14400, 0.25. */
    static String plain(double v) {
        return BigDecimal.valueOf(v).stripTrailingZeros().toPlainString();
    }
}
