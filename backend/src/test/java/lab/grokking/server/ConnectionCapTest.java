package lab.grokking.server;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.net.InetAddress;
import java.net.Socket;
import java.net.SocketException;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * http.maxConnectionsPerAddress: connections from one address over the cap are closed as soon as they are
 * accepted; the address is served again once its connections close; the trusted proxy is not capped.
 */
class ConnectionCapTest {
    static final int CAP = 20, OPENED = 60;

    @TempDir
    Path dir;

    /** Whether the server closed {@code sock} (EOF or reset) within {@code millis}; false if it is still open. */
    static boolean closedWithin(Socket sock, int millis) throws IOException {
        sock.setSoTimeout(millis);
        try {
            return sock.getInputStream().read() < 0;
        } catch (SocketTimeoutException e) {
            return false;
        } catch (SocketException e) {
            return true;
        }
    }

    /** A raw GET /api/health on a new connection: the status, or -1 if the connection closed without a response. */
    static int health(int port) throws IOException {
        try (Socket sock = new Socket("127.0.0.1", port)) {
            sock.getOutputStream()
                    .write(("GET /api/health HTTP/1.1\r\nHost: localhost\r\nConnection: close\r\n\r\n")
                            .getBytes(StandardCharsets.US_ASCII));
            return SlowBodyTest.response(sock, 5000).status();
        } catch (SocketException e) {
            return -1;
        }
    }

    @Test
    void connectionsOverTheCapAreClosedAtOnceAndTheAddressIsServedOnceTheyClose() throws Exception {
        try (TestServer s = new TestServer(dir, cfg -> cfg.maxConnectionsPerAddress = CAP)) {
            int port = s.server.port();
            List<Socket> socks = new ArrayList<>();
            for (int i = 0; i < OPENED; i++) socks.add(new Socket("127.0.0.1", port));
            int open = 0, closed = 0;
            long t0 = System.nanoTime();
            for (Socket sock : socks) {
                if (closedWithin(sock, 200)) closed++;
                else open++;
            }
            double checked = (System.nanoTime() - t0) / 1e9;
            int refusedHealth = health(port);
            System.out.printf(
                    "connection cap %d: of %d connections from 127.0.0.1, %d kept open, %d closed at once (checked in"
                            + " %.1f s); /api/health from the same address meanwhile: %s%n",
                    CAP, OPENED, open, closed, checked, refusedHealth == -1 ? "closed" : refusedHealth);
            assertEquals(CAP, open, "exactly the cap stays open");
            assertEquals(OPENED - CAP, closed);
            assertEquals(-1, refusedHealth, "at the cap, another connection from the address is closed too");

            for (Socket sock : socks) sock.close();
            long deadline = System.nanoTime() + 5_000_000_000L;
            int status;
            while ((status = health(port)) != 200 && System.nanoTime() < deadline) TestServer.sleep(50);
            assertEquals(200, status, "served again once its connections closed");
            // every close was counted, the refused ones' too (the server sees a client's close a moment later)
            CappedConnector c =
                    (CappedConnector) s.server.javalin().jettyServer().server().getConnectors()[0];
            InetAddress local = InetAddress.getByName("127.0.0.1");
            while (c.open(local) > 0 && System.nanoTime() < deadline) TestServer.sleep(20);
            assertEquals(0, c.open(local), "no connection left counted");
            // the excess ones, the health check at the cap, and any retried before the server saw the closes
            assertTrue(c.refused() >= OPENED - CAP + 1, "refused " + c.refused());
            // and the whole cap is free again
            List<Socket> again = new ArrayList<>();
            for (int i = 0; i < CAP; i++) again.add(new Socket("127.0.0.1", port));
            for (Socket sock : again) assertFalse(closedWithin(sock, 200), "the count went back to zero");
            for (Socket sock : again) sock.close();
        }
    }

    @Test
    void theTrustedProxyIsNotCapped() throws Exception {
        try (TestServer s = new TestServer(dir, cfg -> {
            cfg.maxConnectionsPerAddress = CAP;
            cfg.trustedProxy = "127.0.0.1"; // its clients share its address
        })) {
            int port = s.server.port();
            List<Socket> socks = new ArrayList<>();
            for (int i = 0; i < OPENED; i++) socks.add(new Socket("127.0.0.1", port));
            for (Socket sock : socks) assertFalse(closedWithin(sock, 100));
            assertEquals(200, health(port));
            for (Socket sock : socks) sock.close();
        }
    }
}
