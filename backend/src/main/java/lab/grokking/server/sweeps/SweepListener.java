package lab.grokking.server.sweeps;

import java.util.Map;
import lab.grokking.core.sweep.Outcome;

/** What a watcher of a sweep hears (see {@link SweepService#watch}); called on the service's watch thread. */
public interface SweepListener {
    /** The report when watching begins (called once, first, on the caller's thread). */
    default void start(SweepReport report) {}

    /** A member's status, progress decile or outcome changed; {@code counts}: the sweep's outcome counts now. */
    void member(SweepReport.Member member, Map<Outcome, Integer> counts);

    /** Every member has ended (called once, with the final report); nothing follows. */
    void end(SweepReport report);
}
