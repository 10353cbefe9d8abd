package lab.grokking.server.sweeps;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.grokking.core.sweep.LawFit;
import lab.grokking.core.sweep.Outcome;
import lab.grokking.server.runs.Json;

/** A sweep report as the API and the stream write it: snake_case keys, outcomes by their JSON names, no NaN. */
public final class SweepJson {
    private SweepJson() {}

    public static Map<String, Object> report(SweepReport r) {
        Map<String, Object> m = brief(r);
        m.put(
                "axes",
                r.axes().stream()
                        .map(a -> Json.obj("field", a.field(), "values", a.values(), "log", a.log()))
                        .toList());
        m.put("seeds", r.seeds());
        m.put("members", r.members().stream().map(SweepJson::member).toList());
        m.put("law", law(r.law()));
        return m;
    }

    /** What a list shows: id, link, title, task, created_at, member count, outcome counts, done. */
    public static Map<String, Object> brief(SweepReport r) {
        return Json.obj(
                "id",
                r.id(),
                "link",
                "/sweep/" + r.id(),
                "title",
                r.title(),
                "task",
                r.task(),
                "created_at",
                Instant.ofEpochMilli(r.createdAt()).toString(),
                "member_count",
                r.members().size(),
                "counts",
                counts(r.counts()),
                "done",
                r.done());
    }

    public static Map<String, Object> member(SweepReport.Member m) {
        Map<String, Object> finals = new LinkedHashMap<>();
        m.finals().forEach((k, v) -> finals.put(k, Double.isFinite(v) ? v : null));
        return Json.obj(
                "index",
                m.index(),
                "run_id",
                m.runId(),
                "fields",
                m.fields(),
                "seed",
                m.seed(),
                "status",
                m.status(),
                "fraction",
                m.fraction(),
                "outcome",
                m.classification().outcome().json(),
                "fit_step",
                m.classification().fitStep(),
                "transition_step",
                m.classification().transitionStep(),
                "delay",
                m.classification().delay(),
                "reason",
                m.classification().reason(),
                "finals",
                finals);
    }

    /** Every outcome by its JSON name, zeros included. */
    public static Map<String, Object> counts(Map<Outcome, Integer> counts) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (Outcome o : Outcome.values()) m.put(o.json(), counts.getOrDefault(o, 0));
        return m;
    }

    /** The law's fit (null: fewer than 3 grokked members with α, λ and η, or no spread in ln α). */
    public static Map<String, Object> law(LawFit f) {
        if (f == null) return null;
        return Json.obj(
                "x",
                "ln(alpha)",
                "y",
                "weightDecay*lr*transition_step",
                "points",
                f.points(),
                "slope",
                f.slope(),
                "intercept",
                f.intercept(),
                "c",
                f.c(),
                "r2",
                f.r2(),
                "confidence",
                LawFit.CONFIDENCE,
                "slope_low",
                f.slopeLow(),
                "slope_high",
                f.slopeHigh(),
                "intercept_low",
                f.interceptLow(),
                "intercept_high",
                f.interceptHigh());
    }

    /** The outcome classes with their labels and rules (for a legend). */
    public static List<Map<String, Object>> outcomes() {
        return List.of(Outcome.values()).stream()
                .map(o -> Json.obj("outcome", o.json(), "label", o.label(), "rule", o.rule()))
                .toList();
    }
}
