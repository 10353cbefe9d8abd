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
import org.eclipse.jetty.server.handler.ContextHandlerCollection;

/**
 * The composition root: a store, an executor, the run and lab services and the Javalin API (and the dashboard, when
 * its jar is present) on one port. The embedded default is SQLite and the in-process fair queue; another store or
 * executor is passed in. Runs left unfinished by a previous process (crash or shutdown) resume from their checkpoints
 * at start.
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
            j.jetty.modifyServer(server -> server.setErrorHandler(new JsonErrorHandler()));
            WebUi ui = cfg.webUi ? ServiceLoader.load(WebUi.class).findFirst().orElse(null) : null;
            if (ui != null)
                j.jetty.modifyServer(server -> server.setHandler(new ContextHandlerCollection(ui.handler(this))));
            dashboard = ui != null;
            // in front of the API and the dashboard alike (Javalin then adds its servlets inside)
            j.jetty.modifyServer(
                    server -> server.insertHandler(new BodyBuffer(cfg.maxRequestBytes, cfg.bodyTimeoutSeconds)));
            j.jetty.modifyHttpConfiguration(http -> http.setMinRequestDataRate(MIN_REQUEST_BYTES_PER_SECOND));
            j.jetty.addConnector((server, http) -> {
                CappedConnector c = new CappedConnector(server, http, cfg.maxConnectionsPerAddress, cfg.trustedProxy);
                c.setPort(cfg.port);
                c.setIdleTimeout((long) (cfg.idleTimeoutSeconds * 1000));
                return c;
            });
        });
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
