package lab.grokking.server.api;

import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.Locale;
import lab.grokking.core.config.Configs;
import lab.grokking.core.config.RunConfig;
import lab.grokking.server.ServerConfig;
import lab.grokking.server.labs.Lab;
import lab.grokking.server.labs.LabService;
import lab.grokking.server.runs.Json;
import lab.grokking.server.runs.RunService;

/** Classroom labs: POST /labs (teacher), GET /labs/{id} (what students see), POST /labs/{id}/runs (a student's run, under the lab's rules). */
final class LabsApi {
    private final LabService labs;
    private final RunService runs;
    private final ServerConfig cfg;

    private LabsApi(LabService labs, RunService runs, ServerConfig cfg) {
        this.labs = labs;
        this.runs = runs;
        this.cfg = cfg;
    }

    static void register(RoutesConfig routes, LabService labs, RunService runs, ServerConfig cfg) {
        LabsApi api = new LabsApi(labs, runs, cfg);
        routes.post("/labs", api::create);
        routes.get("/labs/{id}", ctx -> RunsApi.json(ctx, labs.studentView(api.lab(ctx))));
        routes.post("/labs/{id}/runs", api::run);
    }

    private void create(Context ctx) {
        Lab lab = labs.create(Configs.readObject(Api.body(ctx), "body"), Api.client(ctx, cfg))
                .lab();
        ctx.status(201).header("Location", "/api/labs/" + lab.id());
        RunsApi.json(ctx, Json.obj("id", lab.id(), "link", "/lab/" + lab.id(), "lab", labs.studentView(lab)));
    }

    private void run(Context ctx) {
        Lab lab = lab(ctx);
        ObjectNode body = Configs.readObject(Api.body(ctx), "body");
        for (var it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("overrides")) throw new ApiError(400, f, "unknown field; a lab run takes only \"overrides\"");
        }
        RunConfig rc = labs.config(lab, body.get("overrides"));
        RunService.Submission s = runs.submit(rc, Api.client(ctx, cfg), lab.id());
        ctx.status(
                s.outcome() == RunService.Outcome.CREATED
                        ? 201
                        : s.outcome() == RunService.Outcome.EXISTING ? 200 : 202);
        ctx.header("Location", "/api/runs/" + s.run().id());
        RunsApi.json(
                ctx,
                Json.obj(
                        "id",
                        s.run().id(),
                        "status",
                        s.run().status().name(),
                        "outcome",
                        s.outcome().name().toLowerCase(Locale.ROOT)));
    }

    private Lab lab(Context ctx) {
        return labs.get(ctx.pathParam("id")).orElseThrow(() -> new ApiError(404, "id", "no such lab"));
    }
}
