package lab.grokking.server.api;

import io.javalin.http.Context;
import java.util.List;
import java.util.Locale;
import java.util.Objects;
import java.util.Set;
import lab.grokking.server.Clients;
import lab.grokking.server.Origins;
import lab.grokking.server.ServerConfig;

/**
 * Cross-site request forgery: a page on another site can make its visitors' browsers send requests here (a form, or
 * fetch in no-cors mode), and the server cannot tell them from the visitor's own. A state-changing request is
 * refused when the browser says it comes from elsewhere (Sec-Fetch-Site, Origin), and when its body is not declared
 * JSON, which a cross-site page cannot send without a CORS preflight this server never grants (the backstop for
 * browsers that send neither header). Clients that are not browsers send neither header and are unaffected.
 */
final class BrowserGuard {
    static final Set<String> STATE_CHANGING = Set.of("POST", "PUT", "PATCH", "DELETE");

    private final ServerConfig cfg;
    private final List<String> allowed;

    BrowserGuard(ServerConfig cfg) {
        this.cfg = cfg;
        allowed = cfg.allowedOrigins.stream()
                .map(Origins::canonical)
                .filter(Objects::nonNull)
                .toList();
    }

    void check(Context ctx) {
        if (!STATE_CHANGING.contains(ctx.req().getMethod())) return;
        origin(ctx);
        contentType(ctx);
    }

    /** A listed origin is trusted as such; otherwise the request must come from this server's own pages. */
    private void origin(Context ctx) {
        String origin = ctx.header("Origin");
        if (origin != null && allowed.contains(Origins.canonical(origin))) return;
        String site = ctx.header("Sec-Fetch-Site");
        if (site != null && !site.equalsIgnoreCase("same-origin") && !site.equalsIgnoreCase("none"))
            throw new ApiError(
                    403,
                    "Origin",
                    "a " + RunsApi.abbreviate(site)
                            + " request (Sec-Fetch-Site) cannot change anything here; only this server's own pages,"
                            + " or an origin in http.allowedOrigins, can");
        if (origin == null) return;
        boolean https = Clients.https(
                ctx.req().isSecure(), ctx.req().getRemoteAddr(), ctx.header("X-Forwarded-Proto"), cfg.trustedProxy);
        String self = Origins.ofRequest(https, ctx.header("Host"));
        if (self == null || !self.equals(Origins.canonical(origin)))
            throw new ApiError(
                    403,
                    "Origin",
                    "a request from " + RunsApi.abbreviate(origin)
                            + " cannot change anything here; only this server's own pages, or an origin in"
                            + " http.allowedOrigins, can");
    }

    /** A declared type must be JSON; no type only with no body (a bodiless POST, e.g. a cancel). */
    private static void contentType(Context ctx) {
        String type = ctx.header("Content-Type"); // the raw header: the servlet's parser throws on an unknown charset
        boolean body = ctx.req().getContentLengthLong() > 0 || ctx.header("Transfer-Encoding") != null;
        if (type == null || type.isBlank()) {
            if (body)
                throw new ApiError(
                        415, "Content-Type", "a request body needs Content-Type: application/json; none was sent");
            return;
        }
        String media = type.split(";", 2)[0].strip().toLowerCase(Locale.ROOT);
        if (!media.equals("application/json"))
            throw new ApiError(
                    415,
                    "Content-Type",
                    "must be application/json, got '" + RunsApi.abbreviate(type.replaceAll("[^\\x20-\\x7e]", "?"))
                            + "'");
    }
}
