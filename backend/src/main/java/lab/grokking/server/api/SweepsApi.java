package lab.grokking.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.LinkedHashMap;
import java.util.Map;
import lab.grokking.core.config.ConfigException;
import lab.grokking.core.config.Configs;
import lab.grokking.core.task.Durations;
import lab.grokking.server.ServerConfig;
import lab.grokking.server.runs.Json;
import lab.grokking.server.runs.RunService;
import lab.grokking.server.sweeps.SweepGrid;
import lab.grokking.server.sweeps.SweepJson;
import lab.grokking.server.sweeps.SweepReport;
import lab.grokking.server.sweeps.SweepService;

/** The /api/sweeps endpoints: submit, presets, list, report, cancel, export (the stream is {@link SweepStream}). */
final class SweepsApi {
    private final SweepService sweeps;
    private final RunService runs;
    private final ServerConfig cfg;

    private SweepsApi(SweepService sweeps, RunService runs, ServerConfig cfg) {
        this.sweeps = sweeps;
        this.runs = runs;
        this.cfg = cfg;
    }

    static void register(RoutesConfig routes, SweepService sweeps, RunService runs, ServerConfig cfg) {
        SweepsApi api = new SweepsApi(sweeps, runs, cfg);
        routes.post("/sweeps", api::submit);
        routes.get("/sweeps/presets", api::presets);
        routes.get("/sweeps", api::list);
        routes.get("/sweeps/{id}", ctx -> RunsApi.json(ctx, SweepJson.report(api.report(ctx))));
        routes.post("/sweeps/{id}/cancel", api::cancel);
        routes.get("/sweeps/{id}/export.csv", ctx -> {
            SweepReport r = api.report(ctx);
            ctx.contentType("text/csv")
                    .header("Content-Disposition", "attachment; filename=\"sweep-" + r.id() + ".csv\"")
                    .result(sweeps.csv(r));
        });
        routes.get("/sweeps/{id}/export.json", ctx -> {
            SweepReport r = api.report(ctx);
            RunsApi.json(ctx, Json.obj("columns", sweeps.exportColumns(r), "rows", sweeps.rows(r)));
        });
    }

    private void submit(Context ctx) {
        ObjectNode body = Configs.readObject(Api.body(ctx), "body");
        SweepReport r = sweeps.submit(body, Api.client(ctx, cfg));
        ctx.status(201).header("Location", "/api/sweeps/" + r.id());
        RunsApi.json(ctx, SweepJson.report(r));
    }

    /** Each sweep preset with its member count and estimated seconds here (0 for members already computed). */
    private void presets(Context ctx) {
        RunsApi.json(
                ctx,
                sweeps.presets().stream()
                        .map(p -> {
                            Map<String, Object> m = new LinkedHashMap<>();
                            p.fields().forEachRemaining(e -> m.put(e.getKey(), e.getValue()));
                            try {
                                SweepGrid.Plan plan = SweepGrid.parse(
                                        Configs.JSON
                                                .createObjectNode()
                                                .put("sweep", p.get("id").asText()),
                                        cfg.limits,
                                        cfg.sweepMembers);
                                double seconds = plan.members().stream()
                                        .mapToDouble(x -> runs.estimatedSeconds(x.config()))
                                        .sum();
                                m.put("member_count", plan.members().size());
                                m.put("estimate", Json.obj("seconds", seconds, "human", Durations.human(seconds)));
                            } catch (ConfigException e) { // beyond this server's limits: shown, not hidden
                                m.put("error", e.getMessage());
                            }
                            return m;
                        })
                        .toList());
    }

    private void list(Context ctx) {
        // only the caller's own sweeps: other clients' ids are their share links, never listed
        RunsApi.json(
                ctx,
                Json.obj(
                        "sweeps",
                        sweeps.list(Api.client(ctx, cfg)).stream()
                                .map(SweepJson::brief)
                                .toList(),
                        "outcomes",
                        SweepJson.outcomes()));
    }

    private void cancel(Context ctx) {
        SweepReport r = report(ctx);
        int stopped = sweeps.cancel(r.id(), Api.client(ctx, cfg));
        RunsApi.json(ctx, Json.obj("id", r.id(), "stopped", stopped));
    }

    private SweepReport report(Context ctx) {
        return sweeps.report(ctx.pathParam("id")).orElseThrow(() -> new ApiError(404, "id", "no such sweep"));
    }
}
