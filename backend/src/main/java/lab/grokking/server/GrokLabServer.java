package lab.grokking.server;

import io.javalin.Javalin;
import java.util.ServiceLoader;
import java.util.function.Consumer;
import lab.grokking.core.task.Estimates;
import lab.grokking.server.api.Api;
import lab.grokking.server.labs.LabService;
import lab.grokking.server.queue.FairQueue;
import lab.grokking.server.queue.RunExecutor;
import lab.grokking.server.runs.RunService;
import lab.grokking.server.store.FileThroughputLog;
import lab.grokking.server.store.RunStore;
import lab.grokking.server.store.SqliteRunStore;
import org.eclipse.jetty.http.HttpVersion;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.SecureRequestCustomizer;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.server.SslConnectionFactory;
import org.eclipse.jetty.server.handler.ContextHandlerCollection;
import org.eclipse.jetty.util.ssl.SslContextFactory;

/**
 * The composition root: a store, an executor, the run and lab services and the Javalin API (and the dashboard, when
 * its jar is present) on one port. The embedded default is SQLite and the in-process fair queue; another store or
 * executor is passed in. Runs left unfinished by a previous process (crash or shutdown) resume from their checkpoints
 * at start.
 */
public final class GrokLabServer implements AutoCloseable {
    private final ServerConfig cfg;
    private final RunStore store;
    private final RunService runs;
    private final LabService labs;
    private final Javalin app;
    private boolean dashboard;

    private GrokLabServer(ServerConfig cfg, RunStore store, RunExecutor executor) {
        this.cfg = cfg;
        this.store = store;
        runs = new RunService(cfg, store, executor, new Estimates(new FileThroughputLog(cfg.dataDir)));
        labs = new LabService(store, runs);
        app = Javalin.create(j -> {
            Api.configure(j, runs, labs, cfg);
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
            if (cfg.keyStore != null) j.jetty.addConnector((server, http) -> tls(cfg, server, http));
            dashboard = ui != null;
        });
    }

    /** HTTPS on the configured port with the key store's key (the only connector: no plain HTTP beside it). */
    private static ServerConnector tls(ServerConfig cfg, Server server, HttpConfiguration http) {
        http.addCustomizer(new SecureRequestCustomizer());
        SslContextFactory.Server ssl = new SslContextFactory.Server();
        ssl.setKeyStorePath(cfg.keyStore.toAbsolutePath().toString());
        ssl.setKeyStoreType("PKCS12");
        ssl.setKeyStorePassword(cfg.keyStorePassword);
        ServerConnector c = new ServerConnector(
                server,
                new SslConnectionFactory(ssl, HttpVersion.HTTP_1_1.asString()),
                new HttpConnectionFactory(http));
        c.setPort(cfg.port);
        return c;
    }

    /**
     * Settings from config/app.properties and the environment, adjusted by {@code adjust}; then starts with the
     * embedded defaults: SQLite in the data directory and the in-process fair queue.
     */
    public static GrokLabServer start(Consumer<ServerConfig> adjust) {
        ServerConfig cfg = ServerConfig.load(System.getenv());
        adjust.accept(cfg);
        return start(cfg, new SqliteRunStore(cfg.dataDir), queue(cfg));
    }

    /** The in-process executor these settings describe. */
    public static FairQueue queue(ServerConfig cfg) {
        return new FairQueue(cfg.workers, cfg.perClientRunning, cfg.perClientQueued, cfg.maxQueued, cfg.maxWaitSeconds);
    }

    /** Starts over this store and executor (it closes both when it closes). */
    public static GrokLabServer start(ServerConfig cfg, RunStore store, RunExecutor executor) {
        GrokLabServer s = new GrokLabServer(cfg, store, executor);
        s.runs.recover(); // before the port opens: no request sees a run the store holds and nothing owns
        s.app.start(cfg.port);
        return s;
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

    public Javalin javalin() {
        return app;
    }

    /** Graceful: stops taking runs, checkpoints running ones (they resume on the next start), then stops. */
    @Override
    public void close() {
        try {
            runs.close();
        } finally {
            try {
                app.stop();
            } finally {
                store.close();
            }
        }
    }
}
