package lab.grokking.web.run;

import lab.grokking.core.task.Durations;
import lab.grokking.server.runs.RunService;

/** Where a queued run stands and when it starts, by the run service's estimates (the home page's too). */
public final class QueueText {
    private QueueText() {}

    /** "queued, 2 runs ahead · starts in about 1 min"; null when {@code id} is not queued. */
    public static String of(RunService runs, String id) {
        Double start = runs.estimatedStartSeconds(id);
        return start == null ? null : of(runs.queuePosition(id), start);
    }

    public static String of(int ahead, double startSeconds) {
        return "queued, " + ahead + (ahead == 1 ? " run" : " runs") + " ahead · starts in about "
                + Durations.human(startSeconds);
    }
}
