package lab.grokking.server;

import java.security.SecureRandom;
import java.util.Base64;

/**
 * Who a request comes from. A client is its browser's token (cookie {@link #COOKIE}, or header {@link #HEADER} for API
 * clients) when it has one, else its socket address: {@link Client#id()} is the unit of every per-client rule (queue
 * limits, budgets, disk quota, "mine" listings, creator-only actions). The address stays a coarse abuse guard with its
 * own, larger limits (the {@code address.*} settings), shared by every token behind it: a class behind one NAT is many
 * clients, not one, and swapping tokens gains nothing beyond the address's limits. X-Forwarded-For is believed only
 * from the configured trusted proxy, since anyone can send the header. The API and the dashboard both identify clients
 * here ({@link HttpGuard} puts the request's {@link Client} in the attribute {@link #ATTRIBUTE}).
 */
public final class Clients {
    /** The cookie that carries the token: 128 random bits, base64url (22 characters). */
    public static final String COOKIE = "groklab_client";
    /** The header an API client may send the token in instead of the cookie. */
    public static final String HEADER = "X-Groklab-Client";
    /** The request attribute holding the request's {@link Client}, set by {@link HttpGuard}. */
    public static final String ATTRIBUTE = "lab.grokking.client";
    /** The cookie's Max-Age: about ten years (a token holds no rights beyond "these are my runs"). */
    static final long MAX_AGE_SECONDS = 10L * 365 * 24 * 3600;

    private static final SecureRandom RANDOM = new SecureRandom();

    private Clients() {}

    /**
     * One client: its token (null when the request had no valid one) and the address it came from. {@code id()}:
     * "t:" + token, or "a:" + address without a token.
     */
    public record Client(String token, String address) {
        public String id() {
            return token != null ? "t:" + token : "a:" + address;
        }

        /** The address-wide key of the address limits. */
        public String addressKey() {
            return "a:" + address;
        }
    }

    /** The address a request comes from (see the class comment on X-Forwarded-For). */
    public static String of(String remoteAddr, String forwardedFor, String trustedProxy) {
        if (trustedProxy != null
                && trustedProxy.equals(remoteAddr)
                && forwardedFor != null
                && !forwardedFor.isBlank()) {
            String[] hops = forwardedFor.split(",");
            return hops[hops.length - 1].strip(); // the hop the trusted proxy itself saw
        }
        return remoteAddr;
    }

    /**
     * The client of a request the guard has seen: the {@link Client} in its attribute {@link #ATTRIBUTE}, or (a request
     * that bypassed the guard) its address alone.
     */
    public static Client current(Object attribute, String remoteAddr, String forwardedFor, String trustedProxy) {
        if (attribute instanceof Client c) return c;
        return new Client(null, of(remoteAddr, forwardedFor, trustedProxy));
    }

    /** The request's client: the header's token if valid, else the cookie's if valid, else none. */
    public static Client of(
            String remoteAddr, String forwardedFor, String trustedProxy, String headerToken, String cookieToken) {
        String token = valid(headerToken) ? headerToken : valid(cookieToken) ? cookieToken : null;
        return new Client(token, of(remoteAddr, forwardedFor, trustedProxy));
    }

    /** Whether a value is a well-formed token (22 base64url characters); anything else counts as none. */
    public static boolean valid(String token) {
        return token != null
                && token.length() == 22
                && token.chars()
                        .allMatch(c -> c >= 'A' && c <= 'Z'
                                || c >= 'a' && c <= 'z'
                                || c >= '0' && c <= '9'
                                || c == '-'
                                || c == '_');
    }

    /** A fresh token: 128 random bits. */
    public static String newToken() {
        byte[] b = new byte[16];
        RANDOM.nextBytes(b);
        return Base64.getUrlEncoder().withoutPadding().encodeToString(b);
    }

    /** The Set-Cookie value for a token. */
    static String cookie(String token, boolean https) {
        return COOKIE + "=" + token + "; Path=/; Max-Age=" + MAX_AGE_SECONDS + "; HttpOnly; SameSite=Lax"
                + (https ? "; Secure" : "");
    }

    /** Whether the browser reached us over TLS: directly, or through the trusted proxy saying so (X-Forwarded-Proto). */
    public static boolean https(boolean tls, String remoteAddr, String forwardedProto, String trustedProxy) {
        return tls
                || (trustedProxy != null
                        && trustedProxy.equals(remoteAddr)
                        && "https".equalsIgnoreCase(forwardedProto));
    }
}
