package lab.grokking.server.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.grokking.core.Provenance;
import lab.grokking.server.ServerConfig;
import lab.grokking.server.runs.Json;
import lab.grokking.server.runs.RunService;

/**
 * GET /api/health: "ok" or "degraded" with the reasons (store not writable, free space below store.minFreeBytes, a
 * corrupt store), the data directory's free bytes, the runs owned by state, the limits in effect (the memory limit as
 * derived from the heap), "cluster" (this member and the members it sees, see {@code Cluster.describe}) and "storage"
 * (the store's engine and location); ?check=store also runs the store's integrity check (a failed check is a reason too).
 * The check reads the whole store, so it is an admin diagnostic: only with {@code Authorization: Bearer} the
 * {@code admin.token}, and never when no token is set.
 */
final class HealthApi {
    private HealthApi() {}

    static void register(RoutesConfig routes, RunService runs, ServerConfig cfg) {
        routes.get("/health", ctx -> {
            boolean storeCheck = "store".equals(ctx.queryParam("check"));
            if (storeCheck) requireAdmin(ctx, cfg.adminToken);
            RunService.Health h = runs.health();
            List<String> problems = new ArrayList<>(h.problems());
            String check = storeCheck ? runs.integrityCheck() : null;
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
                            cfg.limits.maxMemoryBytes(),
                            "memory_basis",
                            cfg.limits.memoryBasis() == null
                                    ? "configured (groklab.maxMemoryMb)"
                                    : cfg.limits.memoryBasis(),
                            "max_work",
                            cfg.limits.maxWork(),
                            "max_disk_bytes",
                            cfg.limits.maxDiskBytes(),
                            "client_disk_bytes",
                            cfg.limits.clientDiskBytes()));
            m.put("cluster", runs.cluster().describe());
            m.put("storage", runs.reads().storage());
            if (check != null) m.put("store", check);
            ctx.contentType("application/json").result(Json.write(m));
        });
    }

    /** 403 while no token is set, 401 without credentials, 403 with wrong ones. */
    static void requireAdmin(Context ctx, String token) {
        if (token == null)
            throw new ApiError(
                    403,
                    "admin.token",
                    "the store check is an admin diagnostic and is off: set admin.token, then send"
                            + " Authorization: Bearer TOKEN");
        String auth = ctx.header("Authorization");
        if (auth == null || auth.isBlank()) {
            ctx.header("WWW-Authenticate", "Bearer realm=\"groklab admin\"");
            throw new ApiError(401, "Authorization", "the store check needs Authorization: Bearer TOKEN (admin.token)");
        }
        boolean bearer = auth.regionMatches(true, 0, "Bearer ", 0, 7);
        if (!bearer || !sameSecret(auth.substring(7).strip(), token))
            throw new ApiError(403, "Authorization", "not the admin token (admin.token)");
    }

    /** Compares digests, so the time taken says nothing about where the strings differ or how long the token is. */
    static boolean sameSecret(String given, String token) {
        try {
            MessageDigest sha = MessageDigest.getInstance("SHA-256");
            byte[] a = sha.digest(given.getBytes(StandardCharsets.UTF_8));
            byte[] b = sha.digest(token.getBytes(StandardCharsets.UTF_8));
            return MessageDigest.isEqual(a, b);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every JDK", e);
        }
    }
}
