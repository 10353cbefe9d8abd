package lab.grokking.server.api;

import io.javalin.config.RoutesConfig;
import io.javalin.websocket.WsContext;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import lab.grokking.core.sweep.Outcome;
import lab.grokking.server.runs.Json;
import lab.grokking.server.sweeps.SweepJson;
import lab.grokking.server.sweeps.SweepListener;
import lab.grokking.server.sweeps.SweepReport;
import lab.grokking.server.sweeps.SweepService;

/**
 * WebSocket /api/sweeps/{id}/stream. Messages (JSON, field "type"): "report" {the whole report}; then for each member
 * whose status, progress decile or outcome changed, "member" {member} and "counts" {counts, law}; "end" {counts, law}
 * once every member has ended, before the socket closes. Members' metric rows are not sent (each run has its own
 * stream). Limits as for run streams (origin, http.maxStreamsPerAddress).
 */
final class SweepStream {
    private final Map<String, AutoCloseable> watches = new ConcurrentHashMap<>();

    static void register(RoutesConfig routes, SweepService sweeps, StreamGate gate) {
        SweepStream s = new SweepStream();
        gate.route(routes, "/sweeps/{id}/stream", ctx -> s.connect(ctx, sweeps), s::disconnect);
    }

    private void connect(WsContext ctx, SweepService sweeps) {
        ctx.session.setIdleTimeout(Duration.ofMinutes(10));
        var watch = sweeps.watch(ctx.pathParam("id"), new SweepListener() {
            @Override
            public void start(SweepReport report) {
                Map<String, Object> m = Json.obj("type", "report");
                m.putAll(SweepJson.report(report));
                ctx.send(Json.write(m));
            }

            @Override
            public void member(SweepReport.Member member, Map<Outcome, Integer> counts) {
                Map<String, Object> m = Json.obj("type", "member");
                m.putAll(SweepJson.member(member));
                ctx.send(Json.write(m));
                ctx.send(Json.write(Json.obj("type", "counts", "counts", SweepJson.counts(counts))));
            }

            @Override
            public void end(SweepReport report) {
                ctx.send(Json.write(Json.obj(
                        "type",
                        "end",
                        "counts",
                        SweepJson.counts(report.counts()),
                        "law",
                        SweepJson.law(report.law()))));
                ctx.closeSession(1000, "sweep ended");
            }
        });
        if (watch.isEmpty()) ctx.closeSession(4404, "no such sweep");
        else watches.put(ctx.sessionId(), watch.get());
    }

    private void disconnect(String session) {
        AutoCloseable w = watches.remove(session);
        if (w == null) return;
        try {
            w.close();
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }
}
