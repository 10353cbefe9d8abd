package lab.grokking.server;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import org.eclipse.jetty.io.EndPoint;
import org.eclipse.jetty.server.ConnectionFactory;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;

/**
 * The HTTP connector, with at most http.maxConnectionsPerAddress open connections per remote address: a connection
 * over it is closed as soon as it is accepted, before a byte of it is read. Counted per socket (an upgrade to a
 * WebSocket stays the same connection). The trusted proxy is not counted: every client behind it shares its address,
 * and it limits its own clients.
 */
final class CappedConnector extends ServerConnector {
    private final int max;
    private final InetAddress exempt;
    private final Map<EndPoint, InetAddress> counted = new ConcurrentHashMap<>();
    private final Map<InetAddress, Integer> open = new ConcurrentHashMap<>();
    private final LongAdder refused = new LongAdder();

    CappedConnector(Server server, HttpConfiguration http, int maxPerAddress, String trustedProxy) {
        this(server, maxPerAddress, trustedProxy, new HttpConnectionFactory(http));
    }

    /** Over these factories (TLS: the SSL factory, then HTTP). */
    CappedConnector(Server server, int maxPerAddress, String trustedProxy, ConnectionFactory... factories) {
        super(server, factories);
        if (maxPerAddress < 1)
            throw new IllegalArgumentException("http.maxConnectionsPerAddress must be >= 1, got " + maxPerAddress);
        this.max = maxPerAddress;
        this.exempt = trustedProxy == null ? null : literal(trustedProxy);
    }

    private static InetAddress literal(String address) {
        String a = address.strip().replaceAll("^\\[|]$", "");
        // only a literal: getByName would look a host name up, and Clients compares addresses, not names
        if (a.matches("[0-9.]+|[0-9A-Fa-f:.]*:[0-9A-Fa-f:.%\\w]*")) {
            try {
                return InetAddress.getByName(a);
            } catch (UnknownHostException e) {
                // reported below
            }
        }
        throw new IllegalArgumentException("http.trustedProxy must be an IP address, got '" + address + "'");
    }

    @Override
    protected void onEndPointOpened(EndPoint endPoint) {
        super.onEndPointOpened(endPoint);
        if (!(endPoint.getRemoteSocketAddress() instanceof InetSocketAddress remote)) return;
        InetAddress a = remote.getAddress();
        if (a == null || a.equals(exempt)) return;
        counted.put(endPoint, a); // by the endpoint: its address is gone once it is closed
        if (open.merge(a, 1, Integer::sum) > max) {
            refused.increment();
            endPoint.close();
        }
    }

    @Override
    protected void onEndPointClosed(EndPoint endPoint) {
        InetAddress a = counted.remove(endPoint);
        if (a != null) open.computeIfPresent(a, (k, n) -> n > 1 ? n - 1 : null);
        super.onEndPointClosed(endPoint);
    }

    /** Connections closed for being over the cap, since start (for tests and diagnostics). */
    long refused() {
        return refused.sum();
    }

    /** Open connections counted against {@code address}. */
    int open(InetAddress address) {
        return open.getOrDefault(address, 0);
    }
}
