package lab.grokking.server.api;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.databind.node.ObjectNode;
import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import lab.grokking.core.MetricTable;
import lab.grokking.core.Snapshot;
import lab.grokking.core.config.Configs;
import lab.grokking.core.config.RunConfig;
import lab.grokking.server.Clients;
import lab.grokking.server.ServerConfig;
import lab.grokking.server.runs.Json;
import lab.grokking.server.runs.LiveRun;
import lab.grokking.server.runs.RunService;
import lab.grokking.server.store.StoredRun;

/** The /api/runs endpoints: submit, read, list, metrics, snapshots, cancel, remove. */
final class RunsApi {
    static final int MAX_PAGE = 500;

    private final RunService runs;
    private final ServerConfig cfg;

    private RunsApi(RunService runs, ServerConfig cfg) {
        this.runs = runs;
        this.cfg = cfg;
    }

    static void register(RoutesConfig routes, RunService runs, ServerConfig cfg) {
        RunsApi api = new RunsApi(runs, cfg);
        routes.post("/runs", api::submit);
        routes.get("/runs", api::list);
        routes.get("/runs/{id}", api::get);
        routes.delete("/runs/{id}", api::remove);
        routes.post("/runs/{id}/cancel", api::cancel);
        routes.get("/runs/{id}/metrics", api::metrics);
        routes.get("/runs/{id}/config", api::config);
        routes.get("/runs/{id}/snapshots", api::snapshotList);
        routes.get("/runs/{id}/snapshots/{name}/{step}", api::snapshot);
    }

    private void submit(Context ctx) {
        ObjectNode body = Configs.readObject(Api.body(ctx), "body");
        RunConfig rc = runs.parse(body);
        Clients.Client client = Api.identity(ctx, cfg);
        RunService.Submission s = runs.submit(rc, client.id(), client.address(), null);
        Map<String, Object> doc = describe(s.run());
        doc.put("outcome", s.outcome().name().toLowerCase(Locale.ROOT));
        ctx.status(
                switch (s.outcome()) {
                    case CREATED -> 201;
                    case EXISTING -> 200;
                    case REQUEUED -> 202;
                });
        ctx.header("Location", "/api/runs/" + s.run().id());
        json(ctx, doc);
    }

    private void list(Context ctx) {
        String task = ctx.queryParam("task");
        StoredRun.Status status = null;
        String st = ctx.queryParam("status");
        if (st != null) {
            try {
                status = StoredRun.Status.valueOf(st.toUpperCase(Locale.ROOT));
            } catch (IllegalArgumentException e) {
                throw new ApiError(
                        400,
                        "status",
                        "must be one of "
                                + List.of(StoredRun.Status.values()).toString().toLowerCase(Locale.ROOT));
            }
        }
        int offset = intParam(ctx, "offset", 0, 0, Integer.MAX_VALUE), limit = intParam(ctx, "limit", 50, 1, MAX_PAGE);
        Map<String, Object> doc = new LinkedHashMap<>();
        String client = Api.client(
                ctx, cfg); // only the caller's own runs: other clients' ids are their share links, never listed
        doc.put("total", runs.reads().count(client, task, status));
        doc.put("offset", offset);
        doc.put("limit", limit);
        doc.put(
                "runs",
                runs.reads().list(client, task, status, offset, limit).stream()
                        .map(this::brief)
                        .toList());
        json(ctx, doc);
    }

    private void get(Context ctx) {
        json(ctx, describe(run(ctx)));
    }

    private void cancel(Context ctx) {
        StoredRun r = run(ctx);
        StoredRun.Status after = runs.cancel(r.id(), Api.client(ctx, cfg)).orElseThrow(ApiError::noSuchRun);
        boolean pending = after == StoredRun.Status.RUNNING || after == StoredRun.Status.PAUSED;
        ctx.status(pending ? 202 : 200);
        json(
                ctx,
                Json.obj(
                        "id",
                        r.id(),
                        "status",
                        after.name(),
                        "message",
                        switch (after) {
                            case RUNNING -> "stopping at the next step; the stream sends the final status";
                            case PAUSED ->
                                "the store takes no writes now; the cancel is kept and recorded when it does";
                            case CANCELLED -> "cancelled";
                            default -> "not running";
                        }));
    }

    private void remove(Context ctx) {
        StoredRun r = run(ctx);
        if (!runs.remove(r.id(), Api.client(ctx, cfg)))
            throw new ApiError(
                    409, "status", "the run is " + r.status().name().toLowerCase(Locale.ROOT) + "; cancel it first");
        ctx.status(204);
    }

    private void config(Context ctx) {
        ctx.contentType("application/json")
                .header("Content-Disposition", "attachment; filename=\"config.json\"")
                .result(run(ctx).config());
    }

    private void metrics(Context ctx) {
        StoredRun r = run(ctx);
        LiveRun live = runs.reads().live(r.id()).orElseThrow(ApiError::noSuchRun);
        String format = ctx.queryParam("format") == null ? "json" : ctx.queryParam("format");
        List<double[]> rows = live.rows();
        List<String> columns = live.columns() == null ? List.of() : live.columns();
        switch (format) {
            case "json" -> {
                StringBuilder b = new StringBuilder("{\"id\":")
                        .append(Json.write(r.id()))
                        .append(",\"status\":")
                        .append(Json.write(live.status().name()))
                        .append(",\"columns\":")
                        .append(Json.write(columns))
                        .append(",\"rows\":[");
                for (int i = 0; i < rows.size(); i++) b.append(i > 0 ? "," : "").append(Json.row(rows.get(i)));
                ctx.contentType("application/json").result(b.append("]}").toString());
            }
            case "csv" -> {
                StringBuilder b = new StringBuilder(String.join(",", columns)).append('\n');
                for (double[] row : rows) b.append(MetricTable.csvLine(row));
                ctx.contentType("text/csv")
                        .header("Content-Disposition", "attachment; filename=\"metrics.csv\"")
                        .result(b.toString());
            }
            default -> throw new ApiError(400, "format", "must be json or csv, got '" + abbreviate(format) + "'");
        }
    }

    private void snapshotList(Context ctx) {
        StoredRun r = run(ctx);
        List<Map<String, Object>> list = runs.reads().snapshots(r.id()).stream()
                .map(s -> {
                    Map<String, Object> m = new LinkedHashMap<>();
                    m.put("name", s.name());
                    m.put("step", s.step());
                    m.put("rows", s.rows());
                    m.put("cols", s.cols());
                    m.put("href", "/api/runs/" + r.id() + "/snapshots/" + s.name() + "/" + s.step());
                    return m;
                })
                .toList();
        json(
                ctx,
                Json.obj(
                        "id",
                        r.id(),
                        "snapshots",
                        list,
                        "note",
                        "early/late (step -1): the early and late predictors; W: the model's matrix at a step. Stored with checkpoints: a running run lists them up to its last checkpoint."));
    }

    private void snapshot(Context ctx) throws IOException {
        StoredRun r = run(ctx);
        String name = ctx.pathParam("name");
        long step;
        try {
            step = Long.parseLong(ctx.pathParam("step"));
        } catch (NumberFormatException e) {
            throw new ApiError(400, "step", "must be an integer step (-1 for the fixed predictors)");
        }
        Snapshot s = runs.reads()
                .snapshot(r.id(), name, step)
                .orElseThrow(() -> new ApiError(
                        404,
                        "snapshot",
                        "no snapshot '" + abbreviate(name) + "' at step " + step + "; see /api/runs/" + r.id()
                                + "/snapshots"));
        String format = ctx.queryParam("format") == null ? "json" : ctx.queryParam("format");
        switch (format) {
            case "json" -> {
                ctx.contentType("application/json");
                writeJson(s, ctx.outputStream());
            }
            case "f32" -> {
                ctx.header("X-Rows", String.valueOf(s.rows())).header("X-Cols", String.valueOf(s.cols()));
                ctx.contentType("application/octet-stream");
                writeF32(s, ctx.outputStream());
            }
            default -> throw new ApiError(400, "format", "must be json or f32, got '" + abbreviate(format) + "'");
        }
    }

    /** Values of a snapshot buffered at a time (64 KiB) on their way out. */
    static final int CHUNK_FLOATS = 1 << 14;

    /**
     * The snapshot as JSON, written value by value to the response (a snapshot of 2·10⁶ floats is 27 MB of text; 40
     * requests that each built it whole exhausted a 1 GiB heap). Same bytes as the compact writer gives the document.
     */
    static void writeJson(Snapshot s, OutputStream out) throws IOException {
        try (JsonGenerator g = Json.generator(out)) {
            g.writeStartObject();
            g.writeStringField("name", s.name());
            g.writeNumberField("step", s.step());
            g.writeNumberField("rows", s.rows());
            g.writeNumberField("cols", s.cols());
            g.writeArrayFieldStart("values");
            for (float v : s.values()) g.writeNumber(v);
            g.writeEndArray();
            g.writeEndObject();
        }
    }

    /** The values as little-endian float32, a chunk at a time. */
    static void writeF32(Snapshot s, OutputStream out) throws IOException {
        float[] v = s.values();
        ByteBuffer b = ByteBuffer.allocate(Math.min(v.length, CHUNK_FLOATS) * Float.BYTES)
                .order(ByteOrder.LITTLE_ENDIAN);
        for (int i = 0; i < v.length; i += CHUNK_FLOATS) {
            int n = Math.min(CHUNK_FLOATS, v.length - i);
            b.clear();
            b.asFloatBuffer().put(v, i, n);
            out.write(b.array(), 0, n * Float.BYTES);
        }
        out.flush();
    }

    private StoredRun run(Context ctx) {
        return runs.get(ctx.pathParam("id")).orElseThrow(ApiError::noSuchRun);
    }

    private Map<String, Object> brief(StoredRun r) {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("id", r.id());
        m.put("task", r.task());
        m.put("status", r.status().name());
        m.put("steps", r.steps());
        m.put("seed", r.seed());
        m.put("created_at", Instant.ofEpochMilli(r.createdAt()).toString());
        m.put("href", "/api/runs/" + r.id());
        return m;
    }

    private Map<String, Object> describe(StoredRun r) {
        Map<String, Object> m = brief(r);
        LiveRun live = r.status().isFinal() ? null : runs.reads().live(r.id()).orElse(null);
        StoredRun.Status status = live != null ? live.status() : r.status();
        m.put("status", status.name());
        m.put("message", live != null ? live.message() : r.message());
        m.put("config", Configs.readObject(r.config(), "config"));
        m.put("code_version", r.codeVersion());
        m.put("priority", r.priority() == 0 ? "small" : "large");
        m.put("lab", r.lab());
        long step = live != null ? live.progressStep() : r.progressStep();
        Map<String, Object> progress = new LinkedHashMap<>();
        progress.put("step", step);
        progress.put("steps", r.steps());
        progress.put("fraction", r.steps() == 0 ? 1.0 : (double) step / r.steps());
        progress.put("eta_seconds", live != null ? live.etaSeconds() : null);
        if (status == StoredRun.Status.QUEUED) {
            progress.put("queue_position", runs.queuePosition(r.id()));
            progress.put("start_in_seconds", runs.estimatedStartSeconds(r.id()));
        }
        m.put("progress", progress);
        m.put("columns", live != null ? live.columns() : r.columns());
        m.put(
                "started_at",
                r.startedAt() == null
                        ? null
                        : Instant.ofEpochMilli(r.startedAt()).toString());
        m.put(
                "finished_at",
                r.finishedAt() == null
                        ? null
                        : Instant.ofEpochMilli(r.finishedAt()).toString());
        m.put("summary", r.summary() == null ? null : Configs.readObject(r.summary(), "summary"));
        m.put("provenance", r.provenance() == null ? null : Configs.readObject(r.provenance(), "provenance"));
        String base = "/api/runs/" + r.id();
        m.put(
                "links",
                Json.obj(
                        "self",
                        base,
                        "metrics",
                        base + "/metrics",
                        "stream",
                        base + "/stream",
                        "snapshots",
                        base + "/snapshots",
                        "cancel",
                        base + "/cancel"));
        return m;
    }

    static int intParam(Context ctx, String name, int fallback, int min, int max) {
        String v = ctx.queryParam(name);
        if (v == null) return fallback;
        try {
            int x = Integer.parseInt(v);
            if (x >= min && x <= max) return x;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new ApiError(400, name, "must be an integer in [" + min + ", " + max + "], got '" + abbreviate(v) + "'");
    }

    static String abbreviate(String s) {
        return s.length() <= 40 ? s : s.substring(0, 40) + "…";
    }

    static void json(Context ctx, Object doc) {
        ctx.contentType("application/json").result(Json.write(doc));
    }
}
