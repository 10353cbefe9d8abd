package lab.grokking.server.api;

import io.javalin.config.RoutesConfig;
import io.javalin.http.Context;
import io.javalin.websocket.WsContext;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Consumer;
import lab.grokking.server.Origins;
import lab.grokking.server.ServerConfig;

/**
 * Who may open a WebSocket stream: a page of the server's own origin or of http.allowedOrigins (or a client that
 * sends no Origin), and at most http.maxStreamsPerAddress open streams per client. Each stream costs the training
 * thread a write per message, so one client could otherwise slow every run.
 */
final class StreamGate {
    private static final String CLIENT = "groklab.streamClient";

    private final ServerConfig cfg;
    private final Map<String, Integer> open = new ConcurrentHashMap<>();
    private final Map<String, String> sessions = new ConcurrentHashMap<>(); // session id -> client

    StreamGate(ServerConfig cfg) {
        this.cfg = cfg;
    }

    /**
     * A WebSocket stream at {@code path} behind this gate: {@code connect} runs for a stream the gate opens (others are
     * closed with 1013, try again later); on close or error the gate's place is freed and {@code disconnect} runs with
     * the session id.
     */
    void route(RoutesConfig routes, String path, Consumer<WsContext> connect, Consumer<String> disconnect) {
        routes.ws(path, ws -> {
            ws.onConnect(ctx -> {
                if (opened(ctx)) connect.accept(ctx);
                else ctx.closeSession(1013, atCap());
            });
            ws.onClose(ctx -> {
                closed(ctx.sessionId());
                disconnect.accept(ctx.sessionId());
            });
            ws.onError(ctx -> {
                closed(ctx.sessionId());
                disconnect.accept(ctx.sessionId());
            });
        });
    }

    /** Before the upgrade: 403 for a foreign Origin, 429 for a client at its cap. */
    void admit(Context ctx) {
        String origin = ctx.header("Origin");
        if (!Origins.allowed(origin, ctx.header("Host"), cfg.allowedOrigins))
            throw new ApiError(
                    403,
                    "Origin",
                    "pages of " + origin + " may not open streams here (only this server's own origin and"
                            + " http.allowedOrigins)");
        String client = Api.client(ctx, cfg);
        if (open.getOrDefault(client, 0) >= cfg.maxStreamsPerAddress) {
            ctx.header("Retry-After", "10");
            throw new ApiError(429, "maxStreamsPerAddress", atCap());
        }
        ctx.attribute(CLIENT, client);
    }

    /**
     * A stream opened: counts it, or answers false when the client is at its cap (upgrades that passed
     * {@link #admit} together can overshoot it; those are closed at once).
     */
    private boolean opened(WsContext ctx) {
        String client = ctx.attribute(CLIENT);
        if (client == null) client = "?";
        boolean[] ok = {false};
        open.compute(client, (k, n) -> {
            int now = n == null ? 0 : n;
            if (now >= cfg.maxStreamsPerAddress) return n;
            ok[0] = true;
            return now + 1;
        });
        if (ok[0]) sessions.put(ctx.sessionId(), client);
        return ok[0];
    }

    /** A stream closed (or failed); a second call for the same session does nothing. */
    private void closed(String sessionId) {
        String client = sessions.remove(sessionId);
        if (client != null) open.computeIfPresent(client, (k, n) -> n > 1 ? n - 1 : null);
    }

    private String atCap() {
        return "this client has " + cfg.maxStreamsPerAddress + " streams open (http.maxStreamsPerAddress); close one"
                + " first";
    }
}
