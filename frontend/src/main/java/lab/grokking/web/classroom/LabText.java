package lab.grokking.web.classroom;

import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import lab.grokking.core.config.Presets;
import lab.grokking.core.sweep.Outcome;
import lab.grokking.server.labs.Lab;
import lab.grokking.server.labs.LabRun;
import lab.grokking.server.sweeps.SweepService;
import lab.grokking.web.run.FinalMetric;
import lab.grokking.web.sweep.SweepText;

/** How the lab pages word a lab's state, a student's quota and a submission's row. A limit of 0 or less is none. */
public final class LabText {
    private LabText() {}

    private static final DateTimeFormatter TIME =
            DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'", Locale.ROOT).withZone(ZoneOffset.UTC);

    /** The task of the lab's preset. */
    public static String task(Lab lab) {
        return Presets.all().stream()
                .filter(p -> p.id().equals(lab.preset()))
                .findFirst()
                .orElseThrow(() -> new IllegalStateException("lab " + lab.id() + ": no preset " + lab.preset()))
                .config()
                .get("task")
                .asText();
    }

    /** "2026-12-03 19:00 UTC". */
    public static String time(long epochMillis) {
        return TIME.format(Instant.ofEpochMilli(epochMillis));
    }

    /** Whether students may start runs now, with {@code runs} submitted so far (the server decides; this words the page). */
    public static boolean open(Lab lab, int runs, long nowMillis) {
        return !lab.closed() && !lab.expired(nowMillis) && (lab.maxRuns() <= 0 || runs < lab.maxRuns());
    }

    /** The lab's state: closed, expired, at its cap, or open until when, with how many of its runs used. */
    public static String state(Lab lab, int runs, long nowMillis) {
        String finish = ": no new runs. Runs already started finish.";
        if (lab.closed()) return "This lab is closed by the teacher" + finish;
        if (lab.expired(nowMillis)) return "This lab expired at " + time(lab.expiresAt()) + finish;
        if (lab.maxRuns() > 0 && runs >= lab.maxRuns())
            return "This lab has reached its cap of " + lab.maxRuns() + " runs" + finish;
        List<String> parts = new ArrayList<>();
        parts.add(lab.expiresAt() > 0 ? "Open until " + time(lab.expiresAt()) : "Open");
        parts.add(runs + (lab.maxRuns() > 0 ? " of " + lab.maxRuns() : "") + " runs in this lab used");
        return String.join(" · ", parts);
    }

    /** "Your quota: 1 run at once, 3 in total · you have used 2 of 3 (1 not ended)"; "" when the lab sets none. */
    public static String quota(Lab lab, List<LabRun> mine) {
        List<String> limits = new ArrayList<>();
        if (lab.quotaRunning() > 0) limits.add(runs(lab.quotaRunning()) + " at once");
        if (lab.quotaTotal() > 0) limits.add(lab.quotaTotal() + " in total");
        long unfinished =
                mine.stream().filter(r -> !SweepService.ended(r.status())).count();
        String used = "you have used " + mine.size() + (lab.quotaTotal() > 0 ? " of " + lab.quotaTotal() : "")
                + (unfinished > 0 ? " (" + unfinished + " not ended)" : "");
        return limits.isEmpty() ? "" : "Your quota: " + String.join(", ", limits) + " · " + used;
    }

    /** The fields a student changed from the preset: "α = 30, steps = 2000"; "the preset as it is" for none. */
    public static String changed(Map<String, Object> changed) {
        if (changed == null || changed.isEmpty()) return "the preset as it is";
        List<String> parts = new ArrayList<>();
        for (var e : changed.entrySet())
            parts.add(SweepText.symbol(e.getKey()) + " = "
                    + (e.getValue() instanceof Number n
                            ? SweepText.number(n.doubleValue())
                            : String.valueOf(e.getValue())));
        return String.join(", ", parts);
    }

    public static Outcome outcome(LabRun r) {
        return r.classification() == null
                ? Outcome.NOT_FINISHED
                : r.classification().outcome();
    }

    /** A submission's row: name, status, changed fields, the headline metric's last value, outcome. */
    public static List<String> cells(LabRun r, String headline) {
        Double fin = r.finals() == null ? null : r.finals().get(headline);
        return List.of(
                r.name() == null || r.name().isBlank() ? "(no name)" : r.name(),
                r.status().toLowerCase(Locale.ROOT),
                changed(r.changed()),
                fin == null ? "" : FinalMetric.value(headline, fin),
                outcome(r).label());
    }

    /** The teacher's choice of what students see, as the share select words it. */
    public static String share(Lab.Share s) {
        return switch (s) {
            case NONE -> "Not shared with students";
            case ANONYMOUS -> "Shared with students, without names";
            case NAMED -> "Shared with students, with names";
        };
    }

    private static String runs(int n) {
        return n + (n == 1 ? " run" : " runs");
    }
}
