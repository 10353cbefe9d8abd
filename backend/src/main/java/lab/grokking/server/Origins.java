package lab.grokking.server;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Locale;

/**
 * Browser origins (scheme://host[:port]) in one form, so that "http://LOCALHOST" and "http://localhost:80" compare
 * equal; anything that is not an http(s) origin (a path, user info, "null") has none.
 */
public final class Origins {
    private Origins() {}

    /** "scheme://host:port" with the default port made explicit, or null when {@code origin} is not an origin. */
    public static String canonical(String origin) {
        if (origin == null) return null;
        try {
            URI u = new URI(origin.strip());
            String scheme = u.getScheme() == null ? null : u.getScheme().toLowerCase(Locale.ROOT);
            if (!"http".equals(scheme) && !"https".equals(scheme)) return null;
            if (u.getHost() == null
                    || u.getRawUserInfo() != null
                    || (u.getRawPath() != null && !u.getRawPath().isEmpty())
                    || u.getRawQuery() != null
                    || u.getRawFragment() != null) return null;
            int port = u.getPort() != -1 ? u.getPort() : scheme.equals("https") ? 443 : 80;
            return scheme + "://" + u.getHost().toLowerCase(Locale.ROOT) + ":" + port;
        } catch (URISyntaxException e) {
            return null;
        }
    }

    /** The origin of a request to this server: its scheme and its Host header (null when it has no valid one). */
    public static String ofRequest(boolean https, String host) {
        return host == null || host.isBlank() ? null : canonical((https ? "https://" : "http://") + host.strip());
    }
}
