package lab.grokking.server;

import static org.junit.jupiter.api.Assertions.*;

import com.fasterxml.jackson.databind.JsonNode;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The real thing: the data directory on a small tmpfs that fills up mid-run, then is enlarged. Needs root (mount); the
 * test is skipped elsewhere with the reason printed. The injected variants are {@link StoreFaultTest}.
 */
class DiskFullTest {
    static final String CONFIG = StoreFaultTest.CONFIG;

    @Test
    void aRunOnADiskThatFillsPausesAndResumesWhenTheDiskIsEnlarged(@TempDir Path tmp, @TempDir Path reference)
            throws Exception {
        Path dir = Files.createDirectories(tmp.resolve("small"));
        String why = mount(dir, "size=4m");
        if (why != null) System.out.println("DiskFullTest skipped: " + why);
        Assumptions.assumeTrue(why == null, why);
        long filled;
        JsonNode rows;
        try {
            try (TestServer s = new TestServer(dir, cfg -> {
                cfg.checkpointSeconds = 0.1;
                cfg.probeSeconds = 0.2;
                cfg.minFreeBytes = 256 << 10;
            })) {
                String id = s.start(CONFIG);
                RecoveryTest.awaitProgress(s, id, 100_000);
                filled = fill(dir.resolve("filler"));
                JsonNode paused = StoreFaultTest.awaitStatus(s, id, "PAUSED", 60);
                assertTrue(paused.get("message").asText().contains("is full"), paused.toString());
                JsonNode health = s.get("/api/health").json();
                assertEquals("degraded", health.get("status").asText(), health.toString());
                assertTrue(health.get("free_bytes").asLong() < 256 << 10, health.toString());
                assertEquals(
                        503, s.post("/api/runs", TestServer.mcConfig(1000, 1)).status());
                StoreFaultTest.assertOwned(s);

                assertNull(mount(dir, "remount,size=64m"), "enlarged");
                JsonNode run = s.awaitEnd(id, 180);
                assertEquals("FINISHED", run.get("status").asText(), run.toString());
                assertEquals("ok", s.get("/api/health").json().get("status").asText());
                rows = s.get("/api/runs/" + id + "/metrics").json().get("rows");
                assertEquals("ok", s.server.runs().integrityCheck());
            }
        } finally {
            run(List.of("umount", "-l", dir.toString()));
        }
        System.out.printf(
                "DiskFullTest: filled the 4 MB tmpfs with a %d KB file mid-run; paused, enlarged, resumed%n",
                filled >> 10);
        assertEquals(RecoveryTest.uninterrupted(reference, CONFIG), rows, "bit-identical to an uninterrupted run");
    }

    /** Writes zeros until the file system says it is full; returns the bytes written. */
    static long fill(Path file) {
        byte[] block = new byte[64 << 10];
        long n = 0;
        try (OutputStream out = Files.newOutputStream(file)) {
            while (true) {
                out.write(block);
                n += block.length;
            }
        } catch (IOException full) {
            return n;
        }
    }

    /** Mounts (or remounts) a tmpfs at {@code dir}; null on success, else why not. */
    static String mount(Path dir, String options) {
        if (!"root".equals(System.getProperty("user.name"))) return "needs root to mount a tmpfs";
        return run(List.of("mount", "-t", "tmpfs", "-o", options, "tmpfs", dir.toString()));
    }

    private static String run(List<String> cmd) {
        try {
            Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
            String out = new String(p.getInputStream().readAllBytes()).strip();
            if (!p.waitFor(30, TimeUnit.SECONDS)) return String.join(" ", cmd) + " timed out";
            return p.exitValue() == 0 ? null : String.join(" ", cmd) + " failed: " + out;
        } catch (IOException e) {
            return String.join(" ", cmd) + " failed: " + e.getMessage();
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return "interrupted";
        }
    }
}
