package lab.grokking.server.api;

import io.javalin.http.Context;

/**
 * Who a request comes from, the unit of per-client limits: the socket address. X-Forwarded-For is believed
 * only from the configured trusted proxy, since anyone can send the header.
 */
final class Clients {
    private Clients() {}

    static String of(Context ctx, String trustedProxy) {
        String remote = ctx.req().getRemoteAddr();
        if (trustedProxy != null && trustedProxy.equals(remote)) {
            String fwd = ctx.header("X-Forwarded-For");
            if (fwd != null && !fwd.isBlank()) {
                String[] hops = fwd.split(",");
                return hops[hops.length - 1].strip(); // the hop the trusted proxy itself saw
            }
        }
        return remote;
    }
}
