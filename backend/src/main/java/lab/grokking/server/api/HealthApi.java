package lab.grokking.server.api;

import io.javalin.config.RoutesConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.grokking.core.Provenance;
import lab.grokking.core.config.Limits;
import lab.grokking.server.runs.Json;
import lab.grokking.server.runs.RunService;

/**
 * GET /api/health: "ok" or "degraded" with the reasons (store not writable, free space below store.minFreeBytes, a
 * corrupt store), the data directory's free bytes, the runs owned by state, and the limits in effect (the memory
 * limit as derived from the heap); ?check=store also runs the store's integrity check (a failed check is a reason too).
 */
final class HealthApi {
    private HealthApi() {}

    static void register(RoutesConfig routes, RunService runs, Limits limits) {
        routes.get("/health", ctx -> {
            RunService.Health h = runs.health();
            List<String> problems = new ArrayList<>(h.problems());
            String check = "store".equals(ctx.queryParam("check")) ? runs.integrityCheck() : null;
            if (check != null && !check.equals("ok")) problems.add("integrity check: " + check);
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("status", problems.isEmpty() ? "ok" : "degraded");
            m.put("problems", problems);
            m.put("version", Provenance.CODE_VERSION);
            m.put("running", h.running());
            m.put("waiting", h.waiting());
            m.put("paused", h.paused());
            m.put("free_bytes", h.freeBytes());
            m.put(
                    "limits",
                    Json.obj(
                            "max_memory_bytes",
                            limits.maxMemoryBytes(),
                            "memory_basis",
                            limits.memoryBasis() == null ? "configured (groklab.maxMemoryMb)" : limits.memoryBasis(),
                            "max_work",
                            limits.maxWork(),
                            "max_disk_bytes",
                            limits.maxDiskBytes(),
                            "client_disk_bytes",
                            limits.clientDiskBytes()));
            if (check != null) m.put("store", check);
            ctx.contentType("application/json").result(Json.write(m));
        });
    }
}
