package lab.grokking.server;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;

/**
 * Browser origins (scheme://host[:port]) in one form, and which web pages may act here, judged by the Origin header
 * browsers send: a page of the dashboard itself comes from the host the request was sent to; any other site needs to
 * be listed in http.allowedOrigins. Clients that are not browsers send no Origin and are not judged (nothing stops
 * them from sending any Origin they like, so this guards visitors' browsers, not the server). Used by the WebSocket
 * gate and the cross-site rules of state-changing requests.
 */
public final class Origins {
    private Origins() {}

    /**
     * Whether a page of {@code origin} may open a stream on a request sent to {@code host} (the Host header); a null
     * origin (no header) may.
     */
    public static boolean allowed(String origin, String host, Collection<String> allowList) {
        if (origin == null) return true;
        String o = normalise(origin);
        if (o == null) return false; // "null" (a sandboxed frame, a file) and garbage
        if (allowList.contains(o)) return true;
        if (host == null || host.isBlank()) return false;
        try {
            URI self = new URI(o);
            // the Host header has no scheme: without a port it means the Origin scheme's default one (a TLS proxy in
            // front forwards "example.org" for https://example.org)
            URI h = new URI(self.getScheme() + "://" + host.strip());
            return h.getHost() != null
                    && h.getHost().equalsIgnoreCase(self.getHost())
                    && h.getRawPath().isEmpty()
                    && port(h) == port(self);
        } catch (URISyntaxException e) {
            return false;
        }
    }

    /**
     * {@code scheme://host[:port]} in lower case without a default port, as browsers send it; null if {@code origin}
     * is not an http(s) origin.
     */
    public static String normalise(String origin) {
        try {
            URI u = new URI(origin.strip());
            String scheme = u.getScheme() == null ? null : u.getScheme().toLowerCase(Locale.ROOT);
            if (u.getHost() == null || !("http".equals(scheme) || "https".equals(scheme))) return null;
            String path = u.getRawPath();
            if ((path != null && !path.isEmpty() && !path.equals("/"))
                    || u.getRawQuery() != null
                    || u.getRawFragment() != null
                    || u.getRawUserInfo() != null) return null;
            URI n = new URI(scheme + "://" + u.getHost().toLowerCase(Locale.ROOT));
            int p = u.getPort();
            return p == -1 || p == port(n) ? n.toString() : n + ":" + p;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /**
     * "scheme://host:port" with the default port made explicit (so "http://LOCALHOST" and "http://localhost:80" compare
     * equal), or null when {@code origin} is not an origin.
     */
    public static String canonical(String origin) {
        String n = origin == null ? null : normalise(origin);
        if (n == null) return null;
        try {
            URI u = new URI(n);
            return u.getScheme() + "://" + u.getHost() + ":" + port(u);
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** The origin of a request to this server: its scheme and its Host header (null when it has no valid one). */
    public static String ofRequest(boolean https, String host) {
        return host == null || host.isBlank() ? null : canonical((https ? "https://" : "http://") + host.strip());
    }

    /** http.allowedOrigins: comma-separated origins, each normalised; one that is not an origin is refused by name. */
    static List<String> parseList(String key, String value) {
        List<String> out = new ArrayList<>();
        for (String part : value.split(",")) {
            if (part.isBlank()) continue;
            String o = normalise(part);
            if (o == null)
                throw new IllegalArgumentException(
                        key + " must list origins like https://example.org:8443, got '" + part.strip() + "'");
            out.add(o);
        }
        return List.copyOf(out);
    }

    private static int port(URI u) {
        if (u.getPort() != -1) return u.getPort();
        return "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    }
}
