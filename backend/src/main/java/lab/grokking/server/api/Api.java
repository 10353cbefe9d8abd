package lab.grokking.server.api;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.fasterxml.jackson.databind.node.TextNode;
import io.javalin.config.JavalinConfig;
import io.javalin.http.HttpResponseException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import lab.grokking.core.config.ConfigException;
import lab.grokking.core.config.Configs;
import lab.grokking.server.Clients;
import lab.grokking.server.RateLimiter;
import lab.grokking.server.ServerConfig;
import lab.grokking.server.labs.LabService;
import lab.grokking.server.queue.QueueLimitException;
import lab.grokking.server.runs.BudgetException;
import lab.grokking.server.runs.Json;
import lab.grokking.server.runs.RunService;
import lab.grokking.server.store.StoreException;
import lab.grokking.server.sweeps.SweepService;
import org.eclipse.jetty.session.DefaultSessionCache;
import org.eclipse.jetty.session.NullSessionDataStore;
import org.eclipse.jetty.session.SessionCache;

/** Everything under /api: routes, the OpenAPI description, and how errors become responses. */
public final class Api {
    private Api() {}

    public static void configure(
            JavalinConfig j, RunService runs, LabService labs, SweepService sweeps, ServerConfig cfg) {
        j.router.contextPath = "/api";
        j.http.maxRequestSize = cfg.maxRequestBytes;
        j.startup.showJavalinBanner = false;
        RateLimiter rate = new RateLimiter(cfg.requestsPerSecond, cfg.requestBurst);
        RateLimiter perAddress = new RateLimiter(cfg.addressRequestsPerSecond, cfg.addressRequestBurst);
        j.routes.before(ctx -> limitRate(ctx, rate, perAddress, cfg));
        StreamGate streams = new StreamGate(cfg);
        // Javalin copies the session attributes of every WebSocket upgrade, which creates a session, and Jetty's
        // default keeps sessions forever: each upgrade, refused or not, leaked one. The API keeps nothing in them.
        j.jetty.modifyServletContextHandler(h -> {
            DefaultSessionCache sessions = new DefaultSessionCache(h.getSessionHandler());
            sessions.setEvictionPolicy(SessionCache.EVICT_ON_SESSION_EXIT);
            sessions.setSessionDataStore(new NullSessionDataStore());
            h.getSessionHandler().setSessionCache(sessions);
        });
        // an upgrade is a request like any other, and opens a stream
        j.routes.wsBeforeUpgrade(ctx -> {
            try {
                limitRate(ctx, rate, perAddress, cfg);
                streams.admit(ctx);
            } catch (ApiError e) {
                refuseUpgrade(ctx, e);
            }
        });
        BrowserGuard browsers = new BrowserGuard(cfg);
        j.routes.before(browsers::check); // after the rate limit: refused requests count too
        j.http.prefer405over404 = true; // a known path with the wrong method says which methods it has
        HealthApi.register(j.routes, runs, cfg);
        PresetsApi.register(j.routes, runs);
        TasksApi.register(j.routes);
        RunsApi.register(j.routes, runs, cfg);
        LabsApi.register(j.routes, labs, runs, cfg);
        StreamSocket.register(j.routes, runs, streams);
        SweepsApi.register(j.routes, sweeps, runs, cfg);
        SweepStream.register(j.routes, sweeps, streams);
        String openapi = openApi(resource("/openapi.json"));
        j.routes.get("/openapi.json", ctx -> ctx.contentType("application/json").result(openapi));

        j.routes.exception(
                ApiError.class,
                (e, ctx) ->
                        ctx.status(e.status()).contentType("application/json").result(Json.write(e.body())));
        j.routes.exception(ConfigException.class, (e, ctx) -> {
            // malformed JSON is a 400; a well-formed config that breaks a rule or a limit is a 422
            int status = e.problems().stream()
                            .anyMatch(p -> p.field().equals("json") || p.field().equals("body"))
                    ? 400
                    : 422;
            ctx.status(status)
                    .contentType("application/json")
                    .result(Json.write(ApiError.body(status, e.getMessage(), e.problems())));
        });
        j.routes.exception(QueueLimitException.class, (e, ctx) -> {
            // the client's own limits are 429; a full queue or a closing server 503. Waiting frees a queue place, not
            // disk: a client over its disk quota removes runs, so it gets no Retry-After
            boolean disk = e.limit().equals(RunService.DISK_QUOTA);
            int status =
                    disk || e.limit().equals("perClientQueued") || e.limit().equals("address.runsQueued") ? 429 : 503;
            if (!disk) ctx.header("Retry-After", "30");
            ctx.status(status)
                    .contentType("application/json")
                    .result(Json.write(ApiError.body(
                            status, e.getMessage(), List.of(new ConfigException.Problem(e.limit(), e.getMessage())))));
        });
        j.routes.exception(BudgetException.class, (e, ctx) -> { // the client's own budget: its 429, not the queue's
            e.retryAfterSeconds().ifPresent(s -> ctx.header("Retry-After", String.valueOf(s)));
            ctx.status(429)
                    .contentType("application/json")
                    .result(Json.write(ApiError.body(
                            429, e.getMessage(), List.of(new ConfigException.Problem(e.limit(), e.getMessage())))));
        });
        j.routes.exception(
                LabService.RefusedException.class, // the lab's lifecycle or the student's quota: a conflict, not a typo
                (e, ctx) -> ctx.status(409)
                        .contentType("application/json")
                        .result(Json.write(ApiError.body(
                                409, e.getMessage(), List.of(new ConfigException.Problem(e.rule(), e.getMessage()))))));
        j.routes.exception(
                RunService.NotCreatorException.class,
                (e, ctx) -> ctx.status(403)
                        .contentType("application/json")
                        .result(Json.write(ApiError.body(
                                403, e.getMessage(), List.of(new ConfigException.Problem("id", e.getMessage()))))));
        j.routes.exception(
                SweepService.NotCreatorException.class,
                (e, ctx) -> ctx.status(403)
                        .contentType("application/json")
                        .result(Json.write(ApiError.body(
                                403, e.getMessage(), List.of(new ConfigException.Problem("id", e.getMessage()))))));
        j.routes.exception(StoreException.class, (e, ctx) -> {
            if (!runs.storeUnavailable(e)) { // a bug, not the disk: a plain 500
                internalError(e, ctx);
                return;
            }
            ctx.status(503)
                    .header("Retry-After", String.valueOf((long) Math.ceil(cfg.probeSeconds)))
                    .contentType("application/json")
                    .result(Json.write(ApiError.body(
                            503, e.getMessage(), List.of(new ConfigException.Problem("store", e.getMessage())))));
        });
        j.routes.exception(Exception.class, Api::internalError);
        j.routes.exception(
                HttpResponseException.class, (e, ctx) -> { // Javalin's own: unknown endpoint, body too large, ...
                    String allowed = e.getStatus() == 405 ? String.join(", ", allowedMethods(e)) : "";
                    if (!allowed.isEmpty()) ctx.header("Allow", allowed);
                    String hint = switch (e.getStatus()) {
                        case 404 -> "; see /api/openapi.json";
                        case 405 -> allowed.isEmpty() ? "" : ": " + ctx.path() + " answers " + allowed;
                        case 413 -> " (limit http.maxRequestBytes = " + cfg.maxRequestBytes + ")";
                        default -> "";
                    };
                    ctx.status(e.getStatus())
                            .contentType("application/json")
                            .result(Json.write(ApiError.body(e.getStatus(), e.getMessage() + hint, List.of())));
                });
    }

    /**
     * The client's own bucket first, then its address's: a request the client's limit refuses does not count
     * against the address, so one client hammering cannot use up what the others behind its address share.
     */
    private static void limitRate(
            io.javalin.http.Context ctx, RateLimiter rate, RateLimiter perAddress, ServerConfig cfg) {
        Clients.Client client = identity(ctx, cfg);
        double wait = rate.tryAcquire(client.id());
        if (wait == 0) {
            double shared = perAddress.tryAcquire(client.addressKey());
            if (shared > 0) {
                ctx.header("Retry-After", String.valueOf((long) Math.ceil(shared)));
                throw new ApiError(
                        429,
                        "address.requestsPerSecond",
                        String.format(
                                Locale.ROOT,
                                "more than %.0f requests per second (burst %.0f) from this address, all its clients"
                                        + " together; retry after %.1f s",
                                cfg.addressRequestsPerSecond,
                                cfg.addressRequestBurst,
                                shared));
            }
        }
        if (wait > 0) {
            ctx.header("Retry-After", String.valueOf((long) Math.ceil(wait)));
            throw new ApiError(
                    429,
                    "requestsPerSecond",
                    String.format(
                            Locale.ROOT,
                            "more than %.0f requests per second (burst %.0f) from this client; retry after %.1f s",
                            cfg.requestsPerSecond,
                            cfg.requestBurst,
                            wait));
        }
    }

    /**
     * On the upgrade path Javalin maps an exception to a status but writes no body: the error is written here, and
     * the rest of the chain (the upgrade) skipped.
     */
    private static void refuseUpgrade(io.javalin.http.Context ctx, ApiError e) throws IOException {
        byte[] body = Json.write(e.body()).getBytes(StandardCharsets.UTF_8);
        ctx.res().setStatus(e.status());
        ctx.res().setContentType("application/json");
        ctx.res().setContentLength(body.length);
        ctx.res().getOutputStream().write(body);
        ctx.skipRemainingHandlers();
    }

    /** Never a stack trace in a response; the log has it. */
    private static void internalError(Exception e, io.javalin.http.Context ctx) {
        System.getLogger(Api.class.getName())
                .log(System.Logger.Level.ERROR, "request " + ctx.method() + " " + ctx.path() + " failed", e);
        ctx.status(500)
                .contentType("application/json")
                .result(Json.write(ApiError.body(500, "internal error; the server log has the details", List.of())));
    }

    /** The methods Javalin lists for a 405 (its details hold them as "availableMethods"). */
    private static List<String> allowedMethods(HttpResponseException e) {
        String m = e.getDetails().getOrDefault("availableMethods", "");
        return Arrays.stream(m.replaceAll("[\\[\\]\\s]", "").split(","))
                .filter(x -> !x.isEmpty())
                .toList();
    }

    /**
     * The request body as text. JSON is UTF-8 (RFC 8259 defines no charset parameter), so a declared charset is ignored:
     * Javalin's ctx.body() decodes with it and failed with a 500 on "charset=nonsense" (found by FuzzTest).
     */
    static String body(io.javalin.http.Context ctx) {
        return new String(ctx.bodyAsBytes(), StandardCharsets.UTF_8);
    }

    /** The request's client id, the unit of per-client rules (see {@link Clients}). */
    static String client(io.javalin.http.Context ctx, ServerConfig cfg) {
        return identity(ctx, cfg).id();
    }

    /** The request's client as the HTTP guard identified it (token and address). */
    static Clients.Client identity(io.javalin.http.Context ctx, ServerConfig cfg) {
        return Clients.current(
                ctx.req().getAttribute(Clients.ATTRIBUTE),
                ctx.req().getRemoteAddr(),
                ctx.header("X-Forwarded-For"),
                cfg.trustedProxy);
    }

    /** The API document with the registered tasks as the config's "task" enum (a plug-in task appears without editing it). */
    static String openApi(String doc) {
        try {
            ObjectNode root = (ObjectNode) Configs.JSON.readTree(doc);
            ObjectNode task = (ObjectNode) root.at("/components/schemas/Config/properties/task");
            task.putArray("enum")
                    .addAll(TasksApi.names().stream()
                            .map(n -> (JsonNode) TextNode.valueOf(n))
                            .toList());
            return Configs.JSON.writeValueAsString(root);
        } catch (IOException e) {
            throw new IllegalStateException("openapi.json is not JSON", e);
        }
    }

    private static String resource(String name) {
        try (InputStream in = Api.class.getResourceAsStream(name)) {
            if (in == null) throw new IllegalStateException(name + " missing from the classpath");
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read " + name, e);
        }
    }
}
