package lab.grokking.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import lab.grokking.core.config.Configs;
import lab.grokking.server.Clients;
import lab.grokking.server.ServerConfig;
import lab.grokking.server.labs.ClassResults;
import lab.grokking.server.labs.Lab;
import lab.grokking.server.labs.LabService;
import lab.grokking.server.runs.Json;
import lab.grokking.server.runs.RunService;

/**
 * Classroom labs: POST /labs (teacher: a lab, its student link and teacher key), GET /labs/{id} (what students see),
 * POST /labs/{id}/runs (a student's run, under the lab's rules and the student's quota), GET /labs/{id}/runs (the
 * caller's own runs in the lab), GET /labs/{id}/shared (the class's results when the teacher shares them), and the
 * teacher's routes (results, CSV, close, hide, share), which answer 404 without the lab's teacher key exactly as for a
 * lab that does not exist.
 */
final class LabsApi {
    /** The header (or query parameter {@code key}) that carries the teacher key. */
    static final String TEACHER_HEADER = "X-Teacher-Key";

    private final LabService labs;
    private final ServerConfig cfg;

    private LabsApi(LabService labs, ServerConfig cfg) {
        this.labs = labs;
        this.cfg = cfg;
    }

    static void register(RoutesConfig routes, LabService labs, RunService runs, ServerConfig cfg) {
        LabsApi api = new LabsApi(labs, cfg);
        routes.post("/labs", api::create);
        routes.get("/labs/{id}", ctx -> RunsApi.json(ctx, labs.studentView(api.lab(ctx))));
        routes.post("/labs/{id}/runs", api::run);
        routes.get("/labs/{id}/runs", api::mine);
        routes.get("/labs/{id}/shared", api::shared);
        routes.get("/labs/{id}/results", ctx -> RunsApi.json(ctx, labs.json(labs.results(api.teacher(ctx)))));
        routes.get("/labs/{id}/results.csv", api::csv);
        routes.post("/labs/{id}/close", ctx -> RunsApi.json(ctx, labs.studentView(labs.close(api.teacher(ctx)))));
        routes.post("/labs/{id}/runs/{runId}/hide", ctx -> api.hide(ctx, true));
        routes.post("/labs/{id}/runs/{runId}/unhide", ctx -> api.hide(ctx, false));
        routes.post("/labs/{id}/share", api::share);
    }

    private void create(Context ctx) {
        LabService.Created c = labs.create(Configs.readObject(Api.body(ctx), "body"), Api.client(ctx, cfg));
        Lab lab = c.lab();
        ctx.status(201).header("Location", "/api/labs/" + lab.id());
        RunsApi.json(
                ctx,
                Json.obj(
                        "id",
                        lab.id(),
                        "link",
                        "/lab/" + lab.id(),
                        "lab",
                        labs.studentView(lab),
                        "teacher_key",
                        c.teacherKey(),
                        "results_url",
                        "/lab/" + lab.id() + "/results?key=" + c.teacherKey()));
    }

    private void run(Context ctx) {
        Lab lab = lab(ctx);
        ObjectNode body = Configs.readObject(Api.body(ctx), "body");
        for (var it = body.fieldNames(); it.hasNext(); ) {
            String f = it.next();
            if (!f.equals("overrides") && !f.equals("name"))
                throw new ApiError(400, f, "unknown field; a lab run takes only \"overrides\" and \"name\"");
        }
        JsonNode name = body.get("name");
        if (name != null && !name.isNull() && !name.isTextual()) throw new ApiError(422, "name", "must be text");
        Clients.Client client = Api.identity(ctx, cfg);
        LabService.StudentSubmission sub =
                labs.submit(lab, body.get("overrides"), client, name == null || name.isNull() ? null : name.asText());
        RunService.Submission s = sub.submission();
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
                        s.outcome().name().toLowerCase(Locale.ROOT),
                        "name",
                        sub.row().name()));
    }

    /** The caller's own submissions in this lab, newest first (never another student's). */
    private void mine(Context ctx) {
        Lab lab = lab(ctx);
        List<Map<String, Object>> out =
                labs.runsOf(lab, Api.client(ctx, cfg)).stream().map(labs::json).toList();
        RunsApi.json(ctx, Json.obj("runs", out));
    }

    private void shared(Context ctx) {
        ClassResults r = labs.sharedView(lab(ctx))
                .orElseThrow(() -> new ApiError(404, "share", "the teacher has not shared this lab's results"));
        RunsApi.json(ctx, labs.json(r));
    }

    private void csv(Context ctx) {
        Lab lab = teacher(ctx);
        ctx.contentType("text/csv; charset=utf-8")
                .header("Content-Disposition", "attachment; filename=\"lab-" + lab.id() + ".csv\"")
                .result(labs.csv(labs.results(lab)));
    }

    private void hide(Context ctx, boolean hidden) {
        Lab lab = teacher(ctx);
        String runId = ctx.pathParam("runId");
        if (!labs.hide(lab, runId, hidden)) throw new ApiError(404, "runId", "this lab has no run " + runId);
        RunsApi.json(ctx, Json.obj("run_id", runId, "hidden", hidden));
    }

    private void share(Context ctx) {
        Lab lab = teacher(ctx);
        ObjectNode body = Configs.readObject(Api.body(ctx), "body");
        JsonNode s = body.get("share");
        Lab.Share share = null;
        if (s != null && s.isTextual())
            for (Lab.Share x : Lab.Share.values()) if (x.json().equals(s.asText())) share = x;
        if (share == null || body.size() != 1)
            throw new ApiError(422, "share", "must be {\"share\": \"none\"|\"anonymous\"|\"named\"}");
        RunsApi.json(ctx, labs.studentView(labs.share(lab, share)));
    }

    private Lab lab(Context ctx) {
        return labs.get(ctx.pathParam("id")).orElseThrow(LabsApi::noSuchLab);
    }

    /** The lab, if the request carries its teacher key; else the same 404 as for no lab at all. */
    private Lab teacher(Context ctx) {
        String key = ctx.header(TEACHER_HEADER);
        if (key == null) key = ctx.queryParam("key");
        Lab lab = labs.get(ctx.pathParam("id")).orElseThrow(LabsApi::noSuchLab);
        if (!labs.isTeacher(lab, key)) throw noSuchLab();
        return lab;
    }

    private static ApiError noSuchLab() {
        return new ApiError(404, "id", "no such lab");
    }
}
