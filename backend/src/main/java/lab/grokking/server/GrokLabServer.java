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
    private final ServerConfig cfg;
    private final RunStore store;
    private final RunService runs;
    private final LabService labs;
    private final Javalin app;
    private boolean dashboard;

    private GrokLabServer(ServerConfig cfg, RunStore store, RunExecutor executor) {
        this.cfg = cfg;
        // once, before anything reads the limits: a run accepted is one this heap can hold beside the others
        cfg.limits = cfg.limits.withinHeap(Runtime.getRuntime().maxMemory(), cfg.cacheMaxBytes, executor.workers());
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
        });
    }

    /**
     * Settings from config/app.properties and the environment, adjusted by {@code adjust}; then starts with the
     * embedded defaults: SQLite in the data directory and the in-process fair queue.
     */
    public static GrokLabServer start(Consumer<ServerConfig> adjust) {
        ServerConfig cfg = ServerConfig.load(System.getenv());
        adjust.accept(cfg);
        Startup.checkDataDir(cfg.dataDir);
        RunStore store = new SqliteRunStore(cfg.dataDir);
        RunExecutor executor;
        try {
            executor = queue(cfg);
        } catch (RuntimeException e) {
            store.close();
            throw e;
        }
        return start(cfg, store, executor);
    }

    /** The in-process executor these settings describe. */
    public static FairQueue queue(ServerConfig cfg) {
        return new FairQueue(cfg.workers, cfg.perClientRunning, cfg.perClientQueued, cfg.maxQueued, cfg.maxWaitSeconds);
    }

    /**
     * Starts over this store and executor (it closes both when it closes, or when the start fails: a port in use
     * throws {@link StartupException} with nothing left open).
     */
    public static GrokLabServer start(ServerConfig cfg, RunStore store, RunExecutor executor) {
        GrokLabServer s = null;
        try {
            Startup.checkPort(cfg.port);
            s = new GrokLabServer(cfg, store, executor);
            s.runs.recover(); // before the port opens: no request sees a run the store holds and nothing owns
            s.app.start(cfg.port);
            return s;
        } catch (RuntimeException e) {
            closeAfterFailure(s, store, executor, e);
            throw Startup.failed(cfg, e);
        }
    }

    private static void closeAfterFailure(GrokLabServer s, RunStore store, RunExecutor executor, Exception failure) {
        try {
            if (s != null) s.close();
            else
                try {
                    executor.close();
                } finally {
                    store.close();
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
