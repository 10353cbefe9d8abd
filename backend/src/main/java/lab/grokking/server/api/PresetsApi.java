package lab.grokking.server.api;

import io.javalin.config.RoutesConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import lab.grokking.core.config.ConfigException;
import lab.grokking.core.config.Configs;
import lab.grokking.core.config.Presets;
import lab.grokking.core.config.RunConfig;
import lab.grokking.core.task.Cost;
import lab.grokking.server.runs.Json;
import lab.grokking.server.runs.RunService;

/** GET /api/presets: each preset with its full config (the task's defaults filled in) and its cost and time estimates. */
final class PresetsApi {
    private PresetsApi() {}

    static void register(RoutesConfig routes, RunService runs) {
        // per request: an estimate falls to 0 once the preset's run is computed, and follows the host's measured speed
        routes.get(
                "/presets",
                ctx -> ctx.contentType("application/json")
                        .result(Json.write(Presets.all().stream()
                                .map(p -> describe(p, runs))
                                .toList())));
        routes.get("/presets/{id}", ctx -> {
            String id = ctx.pathParam("id");
            Presets.Preset p = Presets.all().stream()
                    .filter(x -> x.id().equals(id))
                    .findFirst()
                    .orElseThrow(() -> new ApiError(404, "id", "no such preset; see GET /api/presets"));
            ctx.contentType("application/json").result(Json.write(describe(p, runs)));
        });
    }

    static Map<String, Object> describe(Presets.Preset p, RunService runs) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", p.id());
        m.put("figure", p.figure());
        m.put("scale", p.scale());
        m.put("title", p.title());
        m.put("description", p.description());
        try {
            RunConfig rc =
                    runs.parse(Configs.JSON.createObjectNode().put("preset", p.id())); // with this server's limits
            m.put("config", Configs.toTree(rc));
            Cost cost = rc.cost();
            m.put(
                    "estimate",
                    Json.obj(
                            "memory_bytes",
                            cost.memoryBytes(),
                            "work",
                            cost.work(),
                            "disk_bytes",
                            cost.diskBytes(),
                            "seconds",
                            runs.estimatedSeconds(rc)));
        } catch (
                ConfigException
                        e) { // a paper-scale preset beyond this server's limits: listed, with why it cannot run here
            m.put(
                    "config",
                    Configs.merge(Configs.defaults(p.config().get("task").asText()), p.config()));
            m.put(
                    "over_limits",
                    e.problems().stream()
                            .map(x -> Json.obj("field", x.field(), "message", x.message()))
                            .toList());
        }
        return m;
    }
}
