package lab.grokking.server.api;

import io.javalin.config.RoutesConfig;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import lab.grokking.core.config.Configs;
import lab.grokking.core.task.FieldSpec;
import lab.grokking.core.task.TaskSpec;
import lab.grokking.core.task.TaskSpecs;
import lab.grokking.server.runs.Json;

/**
 * GET /api/tasks: every registered task with its fields (type, range, applicability, unit, meaning, default), metric
 * columns, charts, outcome metric and predictor view, so no client recovers them from error messages.
 */
final class TasksApi {
    private TasksApi() {}

    static void register(RoutesConfig routes) {
        String all = Json.write(TaskSpecs.all().stream().map(TasksApi::describe).toList()); // fixed for the process
        routes.get("/tasks", ctx -> ctx.contentType("application/json").result(all));
        routes.get("/tasks/{name}", ctx -> {
            TaskSpec<?> spec = TaskSpecs.all().stream()
                    .filter(s -> s.name().equals(ctx.pathParam("name")))
                    .findFirst()
                    .orElseThrow(() -> new ApiError(404, "name", "no such task; known: " + TaskSpecs.names()));
            ctx.contentType("application/json").result(Json.write(describe(spec)));
        });
    }

    static Map<String, Object> describe(TaskSpec<?> spec) {
        var defaults = Configs.defaults(spec.name());
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("name", spec.name());
        m.put("title", spec.title());
        m.put(
                "fields",
                spec.fields().stream().map(f -> field(f, defaults.get(f.key()))).toList());
        m.put("columns", spec.columns());
        m.put("charts", spec.charts());
        m.put("headline_metric", spec.headlineMetric());
        var o = spec.outcome();
        m.put(
                "outcome",
                Json.obj(
                        "train_column",
                        o.trainColumn(),
                        "test_column",
                        o.testColumn(),
                        "higher_is_better",
                        o.higherIsBetter(),
                        "level",
                        o.level()));
        var v = spec.predictorView();
        m.put(
                "predictor_view",
                Json.obj(
                        "kind",
                        v.kind().name().toLowerCase(Locale.ROOT),
                        "net_snapshot",
                        v.netSnapshot(),
                        "early_label",
                        v.earlyLabel(),
                        "late_label",
                        v.lateLabel()));
        return m;
    }

    private static Map<String, Object> field(FieldSpec f, Object defaultValue) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("key", f.key());
        m.put("label", f.label());
        m.put("type", f.type().name().toLowerCase(Locale.ROOT));
        m.put("unit", f.unit());
        m.put("meaning", f.meaning());
        if (f.numeric()) {
            m.put("min", f.type() == FieldSpec.Type.INTEGER ? (Object) (long) f.min() : f.min());
            m.put("min_exclusive", f.minExclusive());
            m.put("max", f.type() == FieldSpec.Type.INTEGER ? (Object) (long) f.max() : f.max());
            m.put("range", f.range());
        }
        if (!f.choices().isEmpty()) m.put("choices", f.choices());
        m.put("applies_when", f.appliesWhen());
        m.put("default", defaultValue);
        return m;
    }

    /** The task names, for the served OpenAPI document's enum. */
    static List<String> names() {
        return TaskSpecs.all().stream().map(TaskSpec::name).toList();
    }
}
