package lab.grokking.server;

import static org.junit.jupiter.api.Assertions.*;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.TrustManagerFactory;
import lab.grokking.core.config.Configs;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * http.keyStore: the port serves HTTPS with the store's key, and only then (or behind the trusted proxy saying
 * https) do responses carry Strict-Transport-Security; a browser that saw it once never uses plain HTTP again.
 */
class TlsTest {
    static final String PASSWORD = "test-store-pass";

    /** A self-signed key pair for localhost, made by the running JDK's keytool. */
    static Path keyStore(Path dir) throws Exception {
        Path ks = dir.resolve("server.p12");
        Process p = new ProcessBuilder(
                        Path.of(System.getProperty("java.home"), "bin", "keytool")
                                .toString(),
                        "-genkeypair",
                        "-alias",
                        "groklab",
                        "-keyalg",
                        "EC",
                        "-groupname",
                        "secp256r1",
                        "-dname",
                        "CN=localhost",
                        "-ext",
                        "SAN=dns:localhost,ip:127.0.0.1",
                        "-validity",
                        "2",
                        "-storetype",
                        "PKCS12",
                        "-keystore",
                        ks.toString(),
                        "-storepass",
                        PASSWORD,
                        "-keypass",
                        PASSWORD)
                .redirectErrorStream(true)
                .start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(60, TimeUnit.SECONDS) && p.exitValue() == 0, out);
        return ks;
    }

    /** A client that trusts exactly that certificate (and verifies the host name against it). */
    static HttpClient trusting(Path ks) throws Exception {
        KeyStore store = KeyStore.getInstance("PKCS12");
        try (InputStream in = Files.newInputStream(ks)) {
            store.load(in, PASSWORD.toCharArray());
        }
        Certificate cert = store.getCertificate("groklab");
        KeyStore trust = KeyStore.getInstance("PKCS12");
        trust.load(null, null);
        trust.setCertificateEntry("server", cert);
        TrustManagerFactory tmf = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
        tmf.init(trust);
        SSLContext ssl = SSLContext.getInstance("TLS");
        ssl.init(null, tmf.getTrustManagers(), null);
        return HttpClient.newBuilder()
                .sslContext(ssl)
                .connectTimeout(Duration.ofSeconds(10))
                .build();
    }

    @Test
    void withAKeyStoreThePortServesHttpsWithHsts(@TempDir Path dir) throws Exception {
        Path ks = keyStore(dir);
        try (TestServer s = new TestServer(dir.resolve("data"), cfg -> {
                    cfg.keyStore = ks;
                    cfg.keyStorePassword = PASSWORD;
                });
                HttpClient https = trusting(ks)) {
            String base = "https://localhost:" + s.server.port();
            HttpResponse<String> r = https.send(
                    HttpRequest.newBuilder(URI.create(base + "/api/health")).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, r.statusCode(), r.body());
            assertEquals("ok", Configs.JSON.readTree(r.body()).get("status").asText());
            String hsts = r.headers().firstValue("Strict-Transport-Security").orElse("");
            assertTrue(hsts.startsWith("max-age=") && Long.parseLong(hsts.replaceAll("\\D", "")) >= 15_552_000, hsts);
            assertEquals(
                    "nosniff", r.headers().firstValue("X-Content-Type-Options").orElse(null));

            // the page's own origin is https now: a same-origin POST passes, the http origin does not
            HttpResponse<String> own = https.send(
                    HttpRequest.newBuilder(URI.create(base + "/api/runs"))
                            .header("Content-Type", "application/json")
                            .header("Origin", base)
                            .POST(HttpRequest.BodyPublishers.ofString(TestServer.mcConfig(200, 1)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, own.statusCode(), own.body());
            assertTrue(own.headers().firstValue("Strict-Transport-Security").isPresent(), "on every response");
            HttpResponse<String> downgraded = https.send(
                    HttpRequest.newBuilder(URI.create(base + "/api/runs"))
                            .header("Content-Type", "application/json")
                            .header("Origin", "http://localhost:" + s.server.port())
                            .POST(HttpRequest.BodyPublishers.ofString(TestServer.mcConfig(200, 2)))
                            .build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(403, downgraded.statusCode(), downgraded.body());

            // plain HTTP on the TLS port gets no answer
            try (HttpClient plain = HttpClient.newHttpClient()) {
                assertThrows(
                        IOException.class,
                        () -> plain.send(
                                HttpRequest.newBuilder(URI.create(s.url("/api/health")))
                                        .build(),
                                HttpResponse.BodyHandlers.ofString()));
            }
        }
    }

    @Test
    void plainHttpHasNoHstsUnlessTheTrustedProxySaysHttps(@TempDir Path dir) throws Exception {
        try (TestServer s = new TestServer(dir, cfg -> cfg.trustedProxy = "127.0.0.1")) {
            assertTrue(s.get("/api/health")
                    .headers()
                    .firstValue("Strict-Transport-Security")
                    .isEmpty());
            TestServer.Response proxied = s.send(
                    HttpRequest.newBuilder(URI.create(s.url("/api/health"))).header("X-Forwarded-Proto", "https"));
            assertTrue(proxied.headers().firstValue("Strict-Transport-Security").isPresent());
        }
        try (TestServer s = new TestServer(dir.resolve("untrusted"))) {
            // anyone can send the header: without a trusted proxy it means nothing
            TestServer.Response r = s.send(
                    HttpRequest.newBuilder(URI.create(s.url("/api/health"))).header("X-Forwarded-Proto", "https"));
            assertTrue(r.headers().firstValue("Strict-Transport-Security").isEmpty());
        }
    }

    @Test
    void aMissingKeyStoreIsRefusedAtStartNamingTheSetting(@TempDir Path dir) {
        try {
            System.setProperty(
                    "groklab.http.keyStore", dir.resolve("absent.p12").toString());
            IllegalArgumentException e =
                    assertThrows(IllegalArgumentException.class, () -> ServerConfig.load(Map.of()));
            assertTrue(e.getMessage().contains("http.keyStore"), e.getMessage());
        } finally {
            System.clearProperty("groklab.http.keyStore");
        }
    }
}
