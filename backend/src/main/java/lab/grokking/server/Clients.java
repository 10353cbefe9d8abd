package lab.grokking.server;

/**
 * Who a request comes from, the unit of per-client limits: the socket address. X-Forwarded-For is believed
 * only from the configured trusted proxy, since anyone can send the header. The API and the dashboard both
 * identify clients here.
 */
public final class Clients {
    private Clients() {}

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

    /** Whether the browser reached us over TLS: directly, or through the trusted proxy saying so (X-Forwarded-Proto). */
    public static boolean https(boolean tls, String remoteAddr, String forwardedProto, String trustedProxy) {
        return tls
                || (trustedProxy != null
                        && trustedProxy.equals(remoteAddr)
                        && "https".equalsIgnoreCase(forwardedProto));
    }
}
