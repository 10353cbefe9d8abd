package lab.grokking.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Path;
import java.util.Map;
import java.util.Properties;
import lab.grokking.core.config.Limits;
import lab.grokking.server.queue.FairQueue;

/**
 * The server's settings with their defaults, read from config/app.properties (shipped in the jar), then system
 * properties {@code -Dgroklab.KEY=VALUE} for any key of that file, then the environment (GROKLAB_PORT,
 * GROKLAB_DATA_DIR). Tests set fields directly:
 * {@code GrokLabServer.start(cfg -> cfg.port = 0)}.
 */
public final class ServerConfig {
    /** TCP port; 0 picks a free one. */
    public int port = 7070;
    /** Directory of runs.db. */
    public Path dataDir = Path.of("data");
    /** Runs trained at once (default: CPU cores). */
    public int workers = Runtime.getRuntime().availableProcessors();

    public int perClientRunning = 2;
    public int perClientQueued = 8;
    public int maxQueued = 1000;
    /** Seconds a large run waits before it counts as small (and goes before runs that have not waited as long). */
    public double maxWaitSeconds = FairQueue.DEFAULT_MAX_WAIT_SECONDS;
    /** Runs of at most this much estimated work (multiply-adds) are dispatched before larger ones. */
    public double smallRunWork = 1e11;
    /** Wall seconds of training between checkpoints. */
    public double checkpointSeconds = 10;
    /** Seconds between the store's upkeep: the probe that resumes paused runs, and the ownership reconciler. */
    public double probeSeconds = 5;
    /** Free bytes in the data directory below which health is degraded and paused runs do not resume. */
    public long minFreeBytes = 32L << 20;
    /** Weight bound of the result cache. */
    public long cacheMaxBytes = 256L << 20;

    public long maxRequestBytes = 1 << 20;
    /** API requests per second per client (sustained), and the burst allowed above it. */
    public double requestsPerSecond = 50, requestBurst = 200;
    /** Address whose X-Forwarded-For is believed; null: nobody's. */
    public String trustedProxy;
    /** Serve the dashboard at "/" when its jar is on the class path (tests of the API alone turn it off). */
    public boolean webUi = true;
    /**
     * Per-run memory, work and disk limits, and the per-client disk quota; the server lowers the memory limit to a
     * worker's share of its heap when that is smaller ({@link Limits#withinHeap}).
     */
    public Limits limits = Limits.DEFAULT;

    /** Defaults, then config/app.properties, then the environment. */
    public static ServerConfig load(Map<String, String> env) {
        ServerConfig c = new ServerConfig();
        Properties p = new Properties();
        try (InputStream in = ServerConfig.class.getResourceAsStream("/config/app.properties")) {
            if (in != null) p.load(in);
        } catch (IOException e) {
            throw new IllegalStateException("cannot read config/app.properties", e);
        }
        for (String k : System.getProperties().stringPropertyNames())
            if (k.startsWith("groklab.") && p.containsKey(k.substring(8)))
                p.setProperty(k.substring(8), System.getProperty(k));
        c.port = intValue(p, "port", env.getOrDefault("GROKLAB_PORT", p.getProperty("port")), c.port, 0, 65535);
        String dir = env.getOrDefault("GROKLAB_DATA_DIR", p.getProperty("dataDir"));
        if (dir != null && !dir.isBlank()) c.dataDir = Path.of(dir.trim());
        int w = intValue(p, "queue.workers", p.getProperty("queue.workers"), 0, 0, 1024);
        if (w > 0) c.workers = w;
        c.perClientRunning = intValue(
                p, "queue.perClientRunning", p.getProperty("queue.perClientRunning"), c.perClientRunning, 1, 1024);
        c.perClientQueued = intValue(
                p, "queue.perClientQueued", p.getProperty("queue.perClientQueued"), c.perClientQueued, 1, 100_000);
        c.maxQueued = intValue(p, "queue.maxQueued", p.getProperty("queue.maxQueued"), c.maxQueued, 1, 1_000_000);
        c.smallRunWork = number(p, "queue.smallRunWork", c.smallRunWork);
        c.maxWaitSeconds = number(p, "queue.maxWaitSeconds", c.maxWaitSeconds);
        c.checkpointSeconds = number(p, "checkpointSeconds", c.checkpointSeconds);
        c.cacheMaxBytes = (long) number(p, "cache.maxBytes", c.cacheMaxBytes);
        c.probeSeconds = number(p, "store.probeSeconds", c.probeSeconds);
        c.minFreeBytes = (long) number(p, "store.minFreeBytes", c.minFreeBytes);
        c.limits = c.limits.withDisk((long) number(p, "limits.maxDiskBytes", c.limits.maxDiskBytes()), (long)
                number(p, "limits.clientDiskBytes", c.limits.clientDiskBytes()));
        c.maxRequestBytes = (long) number(p, "http.maxRequestBytes", c.maxRequestBytes);
        c.requestsPerSecond = number(p, "http.requestsPerSecond", c.requestsPerSecond);
        c.requestBurst = number(p, "http.requestBurst", c.requestBurst);
        String proxy = p.getProperty("http.trustedProxy", "").trim();
        c.trustedProxy = proxy.isEmpty() ? null : proxy;
        return c;
    }

    private static int intValue(Properties p, String key, String value, int fallback, int min, int max) {
        if (value == null || value.isBlank()) return fallback;
        try {
            int v = Integer.parseInt(value.trim());
            if (v >= min && v <= max) return v;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(
                key + " must be an integer in [" + min + ", " + max + "], got '" + value + "'");
    }

    private static double number(Properties p, String key, double fallback) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) return fallback;
        try {
            double x = Double.parseDouble(v.trim());
            if (x > 0 && Double.isFinite(x)) return x;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(key + " must be a positive number, got '" + v + "'");
    }
}
