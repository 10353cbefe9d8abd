package lab.grokking.server.api;

import io.javalin.config.RoutesConfig;
import java.util.LinkedHashMap;
import java.util.Map;
import lab.grokking.core.Provenance;
import lab.grokking.server.runs.Json;
import lab.grokking.server.runs.RunService;

/** GET /api/health: liveness plus what the server is doing; ?check=store also runs the store's integrity check. */
final class HealthApi {
    private HealthApi() {}

    static void register(RoutesConfig routes, RunService runs) {
        routes.get("/health", ctx -> {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("status", "ok");
            m.put("version", Provenance.CODE_VERSION);
            m.put("running", runs.running());
            m.put("waiting", runs.reads().waiting());
            if ("store".equals(ctx.queryParam("check"))) m.put("store", runs.integrityCheck());
            ctx.contentType("application/json").result(Json.write(m));
        });
    }
}
