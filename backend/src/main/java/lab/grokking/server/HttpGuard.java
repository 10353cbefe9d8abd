package lab.grokking.server;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Locale;
import lab.grokking.core.config.ConfigException;
import lab.grokking.server.api.ApiError;
import lab.grokking.server.runs.Json;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.http.HttpFields;
import org.eclipse.jetty.http.HttpHeader;
import org.eclipse.jetty.http.HttpURI;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.util.Callback;

/**
 * In front of everything the port serves (API, streams, dashboard): refuses a Host that is not in
 * {@code http.allowedHosts} (DNS rebinding: a foreign name resolved to this server makes the browser treat the page as
 * same-origin), puts the security headers on every response, and identifies the client ({@link Clients}): a request
 * without a valid token (cookie or header) gets a fresh one in a cookie, and every request carries its
 * {@link Clients.Client} in the attribute {@link Clients#ATTRIBUTE} for the API and the dashboard alike. A view that needs a looser Content-Security-Policy
 * (the dashboard's pages) replaces {@link #CSP} on its own responses.
 */
final class HttpGuard extends Handler.Wrapper {
    /** For everything but the dashboard's pages: JSON and files need no script, style, frame or form. */
    static final String CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'";
    /** One year; no includeSubDomains: other hosts of the domain are not ours to pin. */
    static final String HSTS = "max-age=31536000";

    private final ServerConfig cfg;

    HttpGuard(ServerConfig cfg, Handler handler) {
        super(handler);
        this.cfg = cfg;
    }

    /** The headers every response carries; HSTS only on a response the browser gets over TLS (RFC 6797 §7.2). */
    static void secure(HttpFields.Mutable h, boolean https) {
        h.put("X-Content-Type-Options", "nosniff");
        h.put("Referrer-Policy", "same-origin");
        h.put("X-Frame-Options", "DENY");
        h.put("Content-Security-Policy", CSP);
        if (https) h.put("Strict-Transport-Security", HSTS);
    }

    static boolean https(Request request, ServerConfig cfg) {
        return Clients.https(
                request.isSecure(),
                Request.getRemoteAddr(request),
                request.getHeaders().get("X-Forwarded-Proto"),
                cfg.trustedProxy);
    }

    @Override
    public boolean handle(Request request, Response response, Callback callback) throws Exception {
        secure(response.getHeaders(), https(request, cfg));
        if (!hostAllowed(request.getHttpURI())) {
            String host = request.getHeaders().get(HttpHeader.HOST);
            String message = "this server does not answer to host '" + abbreviate(host) + "' (http.allowedHosts)";
            response.setStatus(421);
            response.getHeaders().put(HttpHeader.CONTENT_TYPE, "application/json");
            response.write(
                    true,
                    ByteBuffer.wrap(Json.write(
                                    ApiError.body(421, message, List.of(new ConfigException.Problem("Host", message))))
                            .getBytes(StandardCharsets.UTF_8)),
                    callback);
            return true;
        }
        identify(request, response);
        return super.handle(request, response, callback);
    }

    /**
     * Sets the request's client; a request without a valid token gets one in a cookie for its next requests, but is
     * this time its address: a client that never keeps the cookie stays one client (its address), never a new one per
     * request.
     */
    private void identify(Request request, Response response) {
        String header = request.getHeaders().get(Clients.HEADER), cookie = null;
        for (HttpCookie c : Request.getCookies(request))
            if (c.getName().equals(Clients.COOKIE) && Clients.valid(c.getValue())) cookie = c.getValue();
        Clients.Client client = Clients.of(
                Request.getRemoteAddr(request),
                request.getHeaders().get("X-Forwarded-For"),
                cfg.trustedProxy,
                header,
                cookie);
        if (client.token() == null)
            response.getHeaders().add(HttpHeader.SET_COOKIE, Clients.cookie(Clients.newToken(), https(request, cfg)));
        request.setAttribute(Clients.ATTRIBUTE, client);
    }

    /** A listed name matches on any port; a listed host:port on that port only. */
    private boolean hostAllowed(HttpURI uri) {
        if (cfg.allowedHosts.isEmpty()) return true;
        String host = uri.getHost();
        if (host == null) return false;
        host = host.toLowerCase(Locale.ROOT);
        return cfg.allowedHosts.contains(host)
                || (uri.getPort() > 0 && cfg.allowedHosts.contains(host + ":" + uri.getPort()));
    }

    private static String abbreviate(String s) {
        if (s == null) return "";
        String t = s.replaceAll("[^\\x20-\\x7e]", "?");
        return t.length() <= 60 ? t : t.substring(0, 60) + "…";
    }
}
