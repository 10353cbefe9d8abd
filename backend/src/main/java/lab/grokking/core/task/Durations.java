package lab.grokking.core.task;

import java.util.Locale;

/** The one human form of a duration: estimates, ETAs and limit messages all print through it. */
public final class Durations {
    private Durations() {}

    public static String human(double seconds) {
        if (!Double.isFinite(seconds) || seconds < 0) return "unknown time";
        if (seconds < 1) return "under a second";
        if (seconds < 90) return Math.round(seconds) + " s";
        if (seconds < 90 * 60) return Math.round(seconds / 60) + " min";
        if (seconds < 48 * 3600) return String.format(Locale.ROOT, "%.1f h", seconds / 3600);
        return String.format(Locale.ROOT, "%.0f days", seconds / 86400);
    }
}
