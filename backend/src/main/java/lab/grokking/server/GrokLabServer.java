package lab.grokking.server;

import io.javalin.Javalin;
import java.util.ServiceLoader;
import java.util.function.Consumer;
import lab.grokking.core.linalg.Workers;
import lab.grokking.core.task.Estimates;
import lab.grokking.server.api.Api;
import lab.grokking.server.cluster.Cluster;
import lab.grokking.server.cluster.HazelcastCluster;
import lab.grokking.server.cluster.Solo;
import lab.grokking.server.labs.LabService;
import lab.grokking.server.queue.FairQueue;
import lab.grokking.server.queue.RunExecutor;
import lab.grokking.server.runs.RunService;
import lab.grokking.server.store.Backups;
import lab.grokking.server.store.DataDirLock;
import lab.grokking.server.store.FileThroughputLog;
import lab.grokking.server.store.PostgresRunStore;
import lab.grokking.server.store.RunStore;
import lab.grokking.server.store.SqliteRunStore;
import lab.grokking.server.sweeps.SweepService;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The composition root: a store, an executor, the cluster this instance is a member of, the run and lab services and
 * the Javalin API (and the dashboard, when its jar is present) on one port. The embedded default is SQLite, the
 * in-process fair queue and no cluster ({@link Solo}); {@code store.url} puts the store in PostgreSQL, and
 * {@code cluster.enabled} makes this instance a Hazelcast member that shares the runs of that store with the others.
 * Runs left unfinished by a previous process (crash or shutdown) resume from their checkpoints at start.
 */
public final class GrokLabServer implements AutoCloseable {
    /**
     * Jetty's floor on the rate of a request body read through the servlets (408 below it). Bodies reach the servlets
     * already in memory ({@link BodyBuffer}, which has its own deadline), so this guards only a path that would read
     * from the network there.
     */
    static final long MIN_REQUEST_BYTES_PER_SECOND = 1024;

    private final ServerConfig cfg;
    private final RunStore store;
    private final Cluster cluster;
    private final RunService runs;
    private final LabService labs;
    private final SweepService sweeps;
    private final Javalin app;
    private boolean dashboard;
    // the embedded store's data-directory lock and backup schedule (null over another store)
    private DataDirLock dataDirLock;
    private Backups.Schedule backups;

    private GrokLabServer(ServerConfig cfg, RunStore store, RunExecutor executor, Cluster cluster) {
        this.cfg = cfg;
        this.cluster = cluster;
        // once, before anything reads the limits: a run accepted is one this heap can hold beside the others
        cfg.limits = cfg.limits.withinHeap(Runtime.getRuntime().maxMemory(), cfg.cacheMaxBytes, executor.workers());
        this.store = store;
        runs = new RunService(cfg, store, executor, new Estimates(new FileThroughputLog(cfg.dataDir)), cluster);
        labs = new LabService(store, runs, cfg);
        sweeps = new SweepService(cfg, runs, store);
        app = Javalin.create(j -> {
            Api.configure(j, runs, labs, sweeps, cfg);
            WebUi ui = cfg.webUi ? ServiceLoader.load(WebUi.class).findFirst().orElse(null) : null;
            j.jetty.modifyServer(server -> {
                server.setErrorHandler(new JsonErrorHandler(cfg));
                // Javalin adds its /api context inside: the guard sees every request
                server.setHandler(
                        new HttpGuard(cfg, ui == null ? null : new ContextHandlerCollection(ui.handler(this))));
            });
            // Jetty caches header fields per connection and by default matches their values ignoring case: a later
            // "Bearer abc" would come out as an earlier "Bearer ABC" (found by AdminTokenTest)
            j.jetty.modifyHttpConfiguration(http -> http.setHeaderCacheCaseSensitive(true));
            dashboard = ui != null;
            // in front of the API and the dashboard alike (Javalin then adds its servlets inside)
            // inside the guard (its refusals carry the security headers too), in front of the API and the dashboard
            j.jetty.modifyServer(server -> ((Handler.Wrapper) server.getHandler())
                    .insertHandler(new BodyBuffer(cfg.maxRequestBytes, cfg.bodyTimeoutSeconds)));
            j.jetty.modifyHttpConfiguration(http -> http.setMinRequestDataRate(MIN_REQUEST_BYTES_PER_SECOND));
            j.jetty.addConnector((server, http) -> { // the only connector: HTTPS when a key store is set
                CappedConnector c = cfg.keyStore != null
                        ? tls(cfg, server, http)
                        : new CappedConnector(server, http, cfg.maxConnectionsPerAddress, cfg.trustedProxy);
                c.setPort(cfg.port);
                c.setIdleTimeout((long) (cfg.idleTimeoutSeconds * 1000));
                return c;
            });
        });
    }

    /** HTTPS with the key store's key, capped per address like plain HTTP (the only connector: no plain HTTP beside it). */
    private static CappedConnector tls(ServerConfig cfg, Server server, HttpConfiguration http) {
        http.addCustomizer(new SecureRequestCustomizer());
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStorePath(cfg.keyStore.toAbsolutePath().toString());
        ssl.setKeyStoreType("PKCS12");
        ssl.setKeyStorePassword(cfg.keyStorePassword);
        return new CappedConnector(
                server,
                cfg.maxConnectionsPerAddress,
                cfg.trustedProxy,
                new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()),
                new HttpConnectionFactory(http));
    }

    /**
     * Settings from config/app.properties and the environment, adjusted by {@code adjust}; then starts with the
     * embedded defaults: SQLite in the data directory and the in-process fair queue; or, with {@code store.url}, over
     * PostgreSQL (a cluster member with {@code cluster.enabled}).
     */
    public static GrokLabServer start(Consumer<ServerConfig> adjust) {
        ServerConfig cfg = ServerConfig.load(System.getenv());
        adjust.accept(cfg);
        cfg.checkStorage(); // again: adjust may have changed them
        Startup.checkDataDir(cfg.dataDir); // the throughput log lives there whatever the store
        if (cfg.storeUrl != null) return startShared(cfg);
        // one server per data directory: two would resume the same runs and write over each other
        DataDirLock lock = DataDirLock.acquire(cfg.dataDir, "stop it or choose another GROKLAB_DATA_DIR");
        GrokLabServer s;
        try {
            RunStore store = new SqliteRunStore(cfg.dataDir);
            RunExecutor executor;
            try {
                executor = queue(cfg);
            } catch (RuntimeException e) {
                store.close();
                throw e;
            }
            s = start(cfg, store, executor);
        } catch (RuntimeException e) {
            lock.close();
            throw e;
        }
        s.dataDirLock = lock;
        if (cfg.backupEveryHours > 0) s.backups = Backups.every(cfg.dataDir, cfg.backupEveryHours, cfg.backupKeep);
        return s;
    }

    /**
     * Cluster mode: a training step's threads default to cores − 1, as the workers do (a member whose cores all train
     * misses heartbeats and is declared dead); an explicit -Dgroklab.threads stands. Called by {@code serve} before
     * anything trains (the training core reads it once; tests that start members in their own JVM are left alone).
     */
    public static void capTrainingThreads() {
        if (System.getProperty(Workers.PROPERTY) == null)
            System.setProperty(
                    Workers.PROPERTY,
                    Integer.toString(
                            ServerConfig.clusterWorkers(Runtime.getRuntime().availableProcessors())));
    }

    /**
     * Over PostgreSQL: no data-directory lock (the members share the store) and no file backups (PostgreSQL's own
     * tools back it up); a Hazelcast member when {@code cluster.enabled}, else a single JVM over PostgreSQL.
     */
    private static GrokLabServer startShared(ServerConfig cfg) {
        RunStore store = new PostgresRunStore(
                cfg.storeUrl, cfg.storeUser, cfg.storePassword, cfg.storePoolSize, cfg.clusterMaxNoHeartbeatSeconds);
        Cluster cluster;
        RunExecutor executor;
        try {
            cluster = cfg.clusterEnabled ? HazelcastCluster.start(clusterSettings(cfg)) : new Solo();
            try {
                executor = queue(cfg);
            } catch (RuntimeException e) {
                cluster.close();
                throw e;
            }
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return start(cfg, store, executor, cluster);
    }

    /** The Hazelcast member these settings describe. */
    public static HazelcastCluster.Settings clusterSettings(ServerConfig cfg) {
        return new HazelcastCluster.Settings(
                cfg.clusterName,
                cfg.clusterPort,
                cfg.clusterMembers,
                cfg.clusterMinMembers,
                cfg.clusterHeartbeatSeconds,
                cfg.clusterMaxNoHeartbeatSeconds);
    }

    /**
     * The in-process executor these settings describe. In cluster mode it is a plain pool of the member's workers:
     * which run comes next, fairly across clients, is the cluster queue's choice ({@code RunStore.claimNext}), so the
     * per-client, address and large-run shares of this member's queue do not hold runs back.
     */
    public static FairQueue queue(ServerConfig cfg) {
        if (cfg.clusterEnabled)
            return new FairQueue(
                    cfg.workers,
                    cfg.workers,
                    cfg.perClientQueued,
                    cfg.maxQueued,
                    cfg.maxWaitSeconds,
                    cfg.workers,
                    System::nanoTime);
        return new FairQueue(
                        cfg.workers,
                        cfg.perClientRunning,
                        cfg.perClientQueued,
                        cfg.maxQueued,
                        cfg.maxWaitSeconds,
                        cfg.largeRunWorkers,
                        System::nanoTime)
                .addressLimits(cfg.addressRunsQueued, cfg.addressRunsRunning);
    }

    /**
     * Starts over this store and executor (it closes both when it closes, or when the start fails: a port in use
     * throws {@link StartupException} with nothing left open).
     */
    public static GrokLabServer start(ServerConfig cfg, RunStore store, RunExecutor executor) {
        return start(cfg, store, executor, new Solo());
    }

    /** As {@link #start(ServerConfig, RunStore, RunExecutor)}, as this member of {@code cluster} (closed with it). */
    public static GrokLabServer start(ServerConfig cfg, RunStore store, RunExecutor executor, Cluster cluster) {
        GrokLabServer s = null;
        try {
            Startup.checkPort(cfg.port);
            s = new GrokLabServer(cfg, store, executor, cluster);
            s.runs.recover(); // before the port opens: no request sees a run the store holds and nothing owns
            s.sweeps.recover(); // then the sweeps' members not submitted yet
            s.app.start(cfg.port);
            return s;
        } catch (RuntimeException e) {
            closeAfterFailure(s, store, executor, cluster, e);
            throw Startup.failed(cfg, e);
        }
    }

    private static void closeAfterFailure(
            GrokLabServer s, RunStore store, RunExecutor executor, Cluster cluster, Exception failure) {
        try {
            if (s != null) s.close();
            else
                try {
                    executor.close();
                } finally {
                    try {
                        cluster.close();
                    } finally {
                        store.close();
                    }
                }
        } catch (RuntimeException e) {
            failure.addSuppressed(e);
        }
    }

    public int port() {
        return app.port();
    }

    /** Whether the dashboard is served at "/" (its jar is on the class path and {@code webUi} is on). */
    public boolean dashboard() {
        return dashboard;
    }

    public ServerConfig config() {
        return cfg;
    }

    public RunService runs() {
        return runs;
    }

    public LabService labs() {
        return labs;
    }

    public SweepService sweeps() {
        return sweeps;
    }

    public Javalin javalin() {
        return app;
    }

    /**
     * Graceful: stops taking runs, checkpoints running ones (they resume on the next start, or at once on another
     * member: the member leaves the cluster after its runs are released), then stops.
     */
    @Override
    public void close() {
        try {
            if (backups != null) backups.close();
            sweeps.close();
            runs.close();
        } finally {
            try {
                app.stop();
            } finally {
                try {
                    cluster.close();
                } finally {
                    try {
                        store.close();
                    } finally {
                        if (dataDirLock != null) dataDirLock.close(); // last: the store is closed
                    }
                }
            }
        }
    }
}
