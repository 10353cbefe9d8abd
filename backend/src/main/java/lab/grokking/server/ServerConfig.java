package lab.grokking.server;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Properties;
import lab.grokking.core.config.Limits;
import lab.grokking.server.queue.FairQueue;

/**
 * The server's settings with their defaults, read from config/app.properties (shipped in the jar), then system
 * properties {@code -Dgroklab.KEY=VALUE} for any key of that file, then the environment (GROKLAB_PORT,
 * GROKLAB_DATA_DIR, and the secrets GROKLAB_ADMIN_TOKEN, GROKLAB_KEYSTORE_PASSWORD and GROKLAB_STORE_PASSWORD). Tests
 * set fields directly:
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
    /** Workers that larger runs may hold at once; 0: {@link FairQueue#largeRunWorkers(int)}. */
    public int largeRunWorkers = 0;
    /**
     * Runs of one client with the same task batch key (same data and shapes) that a worker trains together, the run
     * it starts included; 1: every run alone.
     */
    public int batchMax = 16;
    /** Per client: estimated seconds of its queued, running and paused runs, and of the runs it created in 24 h. */
    public double clientSecondsInFlight = 4 * 3600, clientSecondsPerDay = 24 * 3600;
    /** An attempt that trains longer than this factor times its estimate, plus the grace seconds, is stopped. */
    public double overrunFactor = 4, overrunGraceSeconds = 60;
    /** Wall seconds of training between checkpoints. */
    public double checkpointSeconds = 10;
    /** Seconds between the store's upkeep: the probe that resumes paused runs, and the ownership reconciler. */
    public double probeSeconds = 5;
    /** Free bytes in the data directory below which health is degraded and paused runs do not resume. */
    public long minFreeBytes = 32L << 20;
    /** Weight bound of the result cache. */
    public long cacheMaxBytes = 256L << 20;

    public long maxRequestBytes = 1 << 20;
    /** Seconds a request body may take to arrive in full; then 408 and the connection closes. */
    public double bodyTimeoutSeconds = 10;
    /** Seconds a connection may stay silent (no bytes either way) before it closes; WebSocket streams excepted. */
    public double idleTimeoutSeconds = 30;
    /** Open connections per remote address (the trusted proxy's excepted); the ones over it are closed at once. */
    public int maxConnectionsPerAddress = 128;
    /** Open WebSocket streams per client (see {@link Clients}); an upgrade over it gets 429. */
    public int maxStreamsPerAddress = 64;
    /** API requests per second per client (sustained), and the burst allowed above it. */
    public double requestsPerSecond = 50, requestBurst = 200;
    /**
     * Per address, shared by every client token behind it (a class behind one NAT): API requests per second and burst,
     * runs waiting, and runs training at once (0: all workers). Larger than the per-client limits; a client without a
     * token is its address's only client and held by both.
     */
    public double addressRequestsPerSecond = 500, addressRequestBurst = 2000;

    public int addressRunsQueued = 200, addressRunsRunning = 0;
    /** Classroom labs: days until a lab expires when the teacher gives no date, and the most days allowed. */
    public double labDefaultDays = 7, labMaxDays = 90;
    /** Classroom labs: submissions per lab (default and most a teacher may set). */
    public int labMaxRuns = 500;
    /** Classroom labs, per student token: runs unfinished at once and runs in all (defaults a teacher may lower or raise up to labMaxRuns). */
    public int labQuotaRunning = 2, labQuotaTotal = 10;
    /** Address whose X-Forwarded-For is believed; null: nobody's. */
    public String trustedProxy;
    /**
     * Origins (scheme://host[:port], normalised) besides the server's own whose pages may send state-changing API
     * requests and open streams (e.g. the public origin of a reverse proxy that rewrites Host); empty: own origin only.
     */
    public List<String> allowedOrigins = List.of();
    /** Host names (or host:port) the server answers to; empty: any. Guards against DNS rebinding. */
    public List<String> allowedHosts = List.of();
    /** Bearer token of the admin-only diagnostics (GET /api/health?check=store); null: they are disabled. */
    public String adminToken;
    /** PKCS12 key store: when set, the port serves HTTPS with its key. */
    public Path keyStore;

    public String keyStorePassword = "";
    /** Serve the dashboard at "/" when its jar is on the class path (tests of the API alone turn it off). */
    public boolean webUi = true;
    /** Hours between scheduled backups of runs.db into DATA_DIR/backups (fractions allowed); 0: none. */
    public double backupEveryHours = 0;
    /** Scheduled backups kept; the oldest beyond this are deleted. */
    public int backupKeep = 7;
    /**
     * Per-run memory, work and disk limits, and the per-client disk quota; the server lowers the memory limit to a
     * worker's share of its heap when that is smaller ({@link Limits#withinHeap}).
     */
    public Limits limits = Limits.DEFAULT;
    /** Members per sweep (limits.sweepMembers). */
    public int sweepMembers = 200;

    /** Cluster mode: this instance is a member of a Hazelcast cluster over a shared PostgreSQL store. */
    public boolean clusterEnabled = false;
    /** The cluster's name: members join only a cluster of the same name. */
    public String clusterName = "groklab";
    /** Hazelcast's member port (besides the HTTP port); 0 picks a free one. */
    public int clusterPort = 5701;
    /** host:port of the members to join (TCP-IP, no multicast); empty: this one alone until others join it. */
    public List<String> clusterMembers = List.of();
    /** Members a member must see to claim runs (quorum): the minority side of a network partition claims nothing. */
    public int clusterMinMembers = 1;
    /** Seconds between a member's heartbeats, and seconds without one after which a member is declared dead. */
    public int clusterHeartbeatSeconds = 1, clusterMaxNoHeartbeatSeconds = 15;
    /** JDBC URL of a PostgreSQL store (jdbc:postgresql://HOST:PORT/DB); null: the embedded SQLite in dataDir. */
    public String storeUrl;
    /** PostgreSQL user; its password comes from GROKLAB_STORE_PASSWORD only. */
    public String storeUser = "";

    public String storePassword = "";
    /** PostgreSQL connections this member holds at most. */
    public int storePoolSize = 8;

    /** The URL scheme of a PostgreSQL store. */
    public static final String POSTGRES_URL = "jdbc:postgresql://";

    /** Admin tokens shorter than this are refused at start: the token is the only thing guarding the check. */
    public static final int MIN_ADMIN_TOKEN = 16;

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
        readCluster(p, env, c);
        int w = intValue(p, "queue.workers", p.getProperty("queue.workers"), 0, 0, 1024);
        if (w > 0) c.workers = w;
        else if (c.clusterEnabled)
            c.workers = clusterWorkers(Runtime.getRuntime().availableProcessors());
        c.perClientRunning = intValue(
                p, "queue.perClientRunning", p.getProperty("queue.perClientRunning"), c.perClientRunning, 1, 1024);
        c.perClientQueued = intValue(
                p, "queue.perClientQueued", p.getProperty("queue.perClientQueued"), c.perClientQueued, 1, 100_000);
        c.maxQueued = intValue(p, "queue.maxQueued", p.getProperty("queue.maxQueued"), c.maxQueued, 1, 1_000_000);
        c.smallRunWork = number(p, "queue.smallRunWork", c.smallRunWork);
        c.batchMax = intValue(p, "queue.batchMax", p.getProperty("queue.batchMax"), c.batchMax, 1, 1024);
        c.largeRunWorkers = intValue(
                p, "queue.largeRunWorkers", p.getProperty("queue.largeRunWorkers"), c.largeRunWorkers, 0, 1024);
        c.clientSecondsInFlight = number(p, "budget.clientSecondsInFlight", c.clientSecondsInFlight);
        c.clientSecondsPerDay = number(p, "budget.clientSecondsPerDay", c.clientSecondsPerDay);
        c.overrunFactor = number(p, "budget.overrunFactor", c.overrunFactor);
        c.overrunGraceSeconds = number(p, "budget.overrunGraceSeconds", c.overrunGraceSeconds, true);
        c.maxWaitSeconds = number(p, "queue.maxWaitSeconds", c.maxWaitSeconds);
        c.checkpointSeconds = number(p, "checkpointSeconds", c.checkpointSeconds);
        c.cacheMaxBytes = (long) number(p, "cache.maxBytes", c.cacheMaxBytes);
        c.probeSeconds = number(p, "store.probeSeconds", c.probeSeconds);
        c.minFreeBytes = (long) number(p, "store.minFreeBytes", c.minFreeBytes);
        c.limits = c.limits.withDisk((long) number(p, "limits.maxDiskBytes", c.limits.maxDiskBytes()), (long)
                number(p, "limits.clientDiskBytes", c.limits.clientDiskBytes()));
        c.sweepMembers =
                intValue(p, "limits.sweepMembers", p.getProperty("limits.sweepMembers"), c.sweepMembers, 1, 100_000);
        c.maxRequestBytes = (long) number(p, "http.maxRequestBytes", c.maxRequestBytes);
        c.requestsPerSecond = number(p, "http.requestsPerSecond", c.requestsPerSecond);
        c.requestBurst = number(p, "http.requestBurst", c.requestBurst);
        c.addressRequestsPerSecond = number(p, "address.requestsPerSecond", c.addressRequestsPerSecond);
        c.addressRequestBurst = number(p, "address.requestBurst", c.addressRequestBurst);
        c.addressRunsQueued = intValue(
                p, "address.runsQueued", p.getProperty("address.runsQueued"), c.addressRunsQueued, 1, 1_000_000);
        c.addressRunsRunning =
                intValue(p, "address.runsRunning", p.getProperty("address.runsRunning"), c.addressRunsRunning, 0, 1024);
        c.labDefaultDays = number(p, "labs.defaultDays", c.labDefaultDays);
        c.labMaxDays = number(p, "labs.maxDays", c.labMaxDays);
        c.labMaxRuns = intValue(p, "labs.maxRuns", p.getProperty("labs.maxRuns"), c.labMaxRuns, 1, 1_000_000);
        c.labQuotaRunning =
                intValue(p, "labs.quotaRunning", p.getProperty("labs.quotaRunning"), c.labQuotaRunning, 1, 1_000_000);
        c.labQuotaTotal =
                intValue(p, "labs.quotaTotal", p.getProperty("labs.quotaTotal"), c.labQuotaTotal, 1, 1_000_000);
        c.backupEveryHours = zeroOrNumber(p, "backup.everyHours", c.backupEveryHours);
        c.backupKeep = intValue(p, "backup.keep", p.getProperty("backup.keep"), c.backupKeep, 1, 100_000);
        c.bodyTimeoutSeconds = number(p, "http.bodyTimeoutSeconds", c.bodyTimeoutSeconds);
        c.idleTimeoutSeconds = number(p, "http.idleTimeoutSeconds", c.idleTimeoutSeconds);
        c.maxConnectionsPerAddress = intValue(
                p,
                "http.maxConnectionsPerAddress",
                p.getProperty("http.maxConnectionsPerAddress"),
                c.maxConnectionsPerAddress,
                1,
                1_000_000);
        c.maxStreamsPerAddress = intValue(
                p,
                "http.maxStreamsPerAddress",
                p.getProperty("http.maxStreamsPerAddress"),
                c.maxStreamsPerAddress,
                1,
                1_000_000);
        c.allowedOrigins = Origins.parseList("http.allowedOrigins", p.getProperty("http.allowedOrigins", ""));
        String proxy = p.getProperty("http.trustedProxy", "").trim();
        c.trustedProxy = proxy.isEmpty() ? null : proxy;
        c.allowedHosts = list(p, "http.allowedHosts").stream()
                .map(h -> h.toLowerCase(Locale.ROOT))
                .toList();
        // secrets also from the environment: a -D option shows in the process list
        String token = env.getOrDefault("GROKLAB_ADMIN_TOKEN", p.getProperty("admin.token", ""));
        c.adminToken = token.isBlank() ? null : token.strip();
        if (c.adminToken != null && c.adminToken.length() < MIN_ADMIN_TOKEN)
            throw new IllegalArgumentException("admin.token must be at least " + MIN_ADMIN_TOKEN + " characters");
        String ks = p.getProperty("http.keyStore", "").trim();
        c.keyStore = ks.isEmpty() ? null : Path.of(ks);
        if (c.keyStore != null && !Files.isReadable(c.keyStore))
            throw new IllegalArgumentException("http.keyStore: no readable file at " + c.keyStore.toAbsolutePath());
        c.keyStorePassword = env.getOrDefault("GROKLAB_KEYSTORE_PASSWORD", p.getProperty("http.keyStorePassword", ""));
        c.checkStorage();
        return c;
    }

    /** The cluster.* and store.* settings (the store's password from the environment only). */
    private static void readCluster(Properties p, Map<String, String> env, ServerConfig c) {
        c.clusterEnabled = bool(p, "cluster.enabled", c.clusterEnabled);
        String name = p.getProperty("cluster.name", "").strip();
        if (!name.isEmpty()) c.clusterName = name;
        c.clusterPort = intValue(p, "cluster.port", p.getProperty("cluster.port"), c.clusterPort, 0, 65535);
        c.clusterMembers = list(p, "cluster.members");
        c.clusterMinMembers =
                intValue(p, "cluster.minMembers", p.getProperty("cluster.minMembers"), c.clusterMinMembers, 1, 1000);
        c.clusterHeartbeatSeconds = intValue(
                p,
                "cluster.heartbeatSeconds",
                p.getProperty("cluster.heartbeatSeconds"),
                c.clusterHeartbeatSeconds,
                1,
                3600);
        c.clusterMaxNoHeartbeatSeconds = intValue(
                p,
                "cluster.maxNoHeartbeatSeconds",
                p.getProperty("cluster.maxNoHeartbeatSeconds"),
                c.clusterMaxNoHeartbeatSeconds,
                2,
                86_400);
        String url = p.getProperty("store.url", "").strip();
        c.storeUrl = url.isEmpty() ? null : url;
        c.storeUser = p.getProperty("store.user", "").strip();
        c.storePassword = env.getOrDefault("GROKLAB_STORE_PASSWORD", "");
        c.storePoolSize = intValue(p, "store.poolSize", p.getProperty("store.poolSize"), c.storePoolSize, 1, 1000);
    }

    /** Training threads of a cluster member by default: all cores but one (at least one), so heartbeats keep a core. */
    public static int clusterWorkers(int cores) {
        return Math.max(1, cores - 1);
    }

    /**
     * Refuses settings that cannot work together, naming the keys: cluster mode without a PostgreSQL store (members
     * share their runs through it), a store.url that is not PostgreSQL, heartbeats that cannot detect a death, member
     * addresses that are not host:port. Read at load and again at start (tests set the fields directly).
     */
    public void checkStorage() {
        if (storeUrl != null && !storeUrl.startsWith(POSTGRES_URL))
            throw new IllegalArgumentException("store.url must be a PostgreSQL JDBC URL (" + POSTGRES_URL
                    + "HOST:PORT/DB) or empty for the embedded SQLite store, got '" + storeUrl + "'");
        if (clusterEnabled && storeUrl == null)
            throw new IllegalArgumentException("cluster.enabled=true requires a PostgreSQL store.url (" + POSTGRES_URL
                    + "HOST:PORT/DB): the members share their runs through it, and SQLite is one process's file");
        if (clusterMaxNoHeartbeatSeconds <= clusterHeartbeatSeconds)
            throw new IllegalArgumentException("cluster.maxNoHeartbeatSeconds (" + clusterMaxNoHeartbeatSeconds
                    + ") must be larger than cluster.heartbeatSeconds (" + clusterHeartbeatSeconds
                    + "): a member is declared dead only after several missed heartbeats");
        for (String m : clusterMembers) {
            int colon = m.lastIndexOf(':');
            boolean ok = colon > 0 && colon < m.length() - 1;
            if (ok)
                try {
                    int port = Integer.parseInt(m.substring(colon + 1));
                    ok = port >= 1 && port <= 65535;
                } catch (NumberFormatException e) {
                    ok = false;
                }
            if (!ok)
                throw new IllegalArgumentException(
                        "cluster.members: each entry must be HOST:PORT (port 1-65535), got '" + m + "'");
        }
    }

    private static boolean bool(Properties p, String key, boolean fallback) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) return fallback;
        return switch (v.strip().toLowerCase(Locale.ROOT)) {
            case "true" -> true;
            case "false" -> false;
            default -> throw new IllegalArgumentException(key + " must be true or false, got '" + v + "'");
        };
    }

    /** A comma-separated setting; blank items are dropped. */
    private static List<String> list(Properties p, String key) {
        return Arrays.stream(p.getProperty(key, "").split(","))
                .map(String::strip)
                .filter(x -> !x.isEmpty())
                .toList();
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
        return number(p, key, fallback, false);
    }

    private static double number(Properties p, String key, double fallback, boolean zero) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) return fallback;
        try {
            double x = Double.parseDouble(v.trim());
            if ((x > 0 || zero && x == 0) && Double.isFinite(x)) return x;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(
                key + " must be a " + (zero ? "non-negative" : "positive") + " number, got '" + v + "'");
    }

    /** Like {@link #number}, and 0 means off. */
    private static double zeroOrNumber(Properties p, String key, double fallback) {
        String v = p.getProperty(key);
        if (v == null || v.isBlank()) return fallback;
        try {
            double x = Double.parseDouble(v.trim());
            if (x >= 0 && Double.isFinite(x)) return x;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException(key + " must be 0 (off) or a positive number, got '" + v + "'");
    }
}
