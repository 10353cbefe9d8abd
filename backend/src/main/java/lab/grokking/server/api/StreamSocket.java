package lab.grokking.server.api;

import io.javalin.config.RoutesConfig;
import io.javalin.websocket.WsContext;
import java.lang.ref.WeakReference;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import lab.grokking.server.runs.Json;
import lab.grokking.server.runs.LiveRun;
import lab.grokking.server.runs.RunService;
import lab.grokking.server.store.StoredRun;
import org.eclipse.jetty.websocket.api.Callback;

/**
 * WebSocket /api/runs/{id}/stream. Messages (JSON, field "type"):
 * "start" {columns, steps}; "points" {rows, computed_at} (every row after ?from=STEP, in order, in batches);
 * "progress" {step, steps, eta_seconds}; "status" {status, message}: PAUSED when the store stops taking the run's
 * writes (and QUEUED when it resumes), then the final one, last, after every row, before the socket closes.
 * <p>Each viewer has at most one message in flight and a cursor into the run's rows: a slow viewer gets larger
 * batches later (progress ticks coalesce to the newest), a stalled one holds nothing but its cursor, and
 * training never waits for any of them.
 */
final class StreamSocket {
    /** Rows per message: bounds message size while a viewer catches up. */
    static final int BATCH = 500;
    /**
     * Least time between two progress messages to one viewer. Training reports progress every 1024 steps (every ~2 ms
     * for a classroom run), and a viewer that keeps up was sent every tick, built and written on the training thread:
     * 200 viewers slowed training 6–9× (found by LoadTest). Ten a second is more than a progress bar shows; a tick
     * held back goes out with the viewer's next wake (a row, a later tick, the final status).
     */
    static final long PROGRESS_NANOS = 100_000_000;

    /** Re-wakes every viewer twice a second: sends a progress tick the throttle held back, and no lost wake can stall a viewer. */
    static final long SWEEP_MILLIS = 500;

    private static final ScheduledExecutorService SWEEPER = Executors.newSingleThreadScheduledExecutor(r -> {
        Thread t = new Thread(r, "groklab-stream-sweep");
        t.setDaemon(true);
        return t;
    });

    private final Map<String, Viewer> viewers = new ConcurrentHashMap<>();

    static void register(RoutesConfig routes, RunService runs, StreamGate gate) {
        StreamSocket s = new StreamSocket();
        WeakReference<StreamSocket> ref = new WeakReference<>(s); // a stopped server's sockets are not kept alive
        ScheduledFuture<?>[] sweep = new ScheduledFuture<?>[1];
        sweep[0] = SWEEPER.scheduleWithFixedDelay(
                () -> {
                    StreamSocket live = ref.get();
                    if (live == null) sweep[0].cancel(false);
                    else live.viewers.values().forEach(Viewer::wake);
                },
                SWEEP_MILLIS,
                SWEEP_MILLIS,
                TimeUnit.MILLISECONDS);
        gate.route(routes, "/runs/{id}/stream", ctx -> s.connect(ctx, runs), s::disconnect);
    }

    private void connect(WsContext ctx, RunService runs) {
        LiveRun run = runs.reads().live(ctx.pathParam("id")).orElse(null);
        if (run == null) {
            ctx.closeSession(4404, "no such run");
            return;
        }
        long from = -1;
        String f = ctx.queryParam("from");
        if (f != null) {
            try {
                from = Long.parseLong(f);
            } catch (NumberFormatException e) {
                ctx.closeSession(4400, "from: must be the integer step of the last row received");
                return;
            }
        }
        ctx.session.setIdleTimeout(Duration.ofMinutes(10));
        Viewer v = new Viewer(ctx, run, run.indexAfter(from));
        viewers.put(ctx.sessionId(), v);
        run.subscribe(v);
        v.wake();
    }

    private void disconnect(String session) {
        Viewer v = viewers.remove(session);
        if (v != null) v.run.unsubscribe(v);
    }

    /** One connected client: sends the next message when the previous one has been written. */
    private final class Viewer implements LiveRun.Viewer {
        final WsContext ctx;
        final LiveRun run;
        int cursor;
        boolean startSent, statusSent;
        StoredRun.Status heldSent; // the last non-final status sent (PAUSED, then QUEUED on resume)
        long progressSent = -1, progressAt = System.nanoTime() - PROGRESS_NANOS;
        final AtomicBoolean busy = new AtomicBoolean(), again = new AtomicBoolean();

        Viewer(WsContext ctx, LiveRun run, int cursor) {
            this.ctx = ctx;
            this.run = run;
            this.cursor = cursor;
        }

        @Override
        public void wake() {
            again.set(true);
            pump();
        }

        private void pump() {
            while (again.get() && busy.compareAndSet(false, true)) {
                again.set(false);
                String msg = next();
                if (msg == null) {
                    busy.set(false);
                    continue; // re-check: a wake may have come in between
                }
                boolean last = statusSent;
                ctx.session.sendText(
                        msg,
                        Callback.from(
                                () -> {
                                    busy.set(false);
                                    if (last) ctx.closeSession(1000, "run ended");
                                    else {
                                        again.set(true);
                                        pump();
                                    }
                                },
                                err -> disconnect(ctx.sessionId())));
                return;
            }
        }

        /** The next message due, or null when the viewer is up to date. */
        private String next() {
            if (!ctx.session.isOpen()) return null;
            var status = run.status();
            boolean ended = status.isFinal(); // read before the rows: every row of an ended run is already in
            if (!startSent && run.columns() != null) {
                startSent = true;
                return Json.write(
                        Json.obj("type", "start", "id", run.id(), "columns", run.columns(), "steps", run.steps()));
            }
            LiveRun.Batch b = startSent ? run.batch(cursor, BATCH) : null;
            if (b != null) {
                cursor = b.next();
                return "{\"type\":\"points\",\"rows\":[" + String.join(",", b.rowJson()) + "],\"computed_at\":"
                        + Json.write(b.computedAt()) + "}";
            }
            long step = run.progressStep();
            if (!ended
                    && step != progressSent
                    && status == StoredRun.Status.RUNNING
                    && System.nanoTime() - progressAt >= PROGRESS_NANOS) {
                progressSent = step;
                progressAt = System.nanoTime();
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("type", "progress");
                m.put("step", step);
                m.put("steps", run.steps());
                m.put("eta_seconds", run.etaSeconds());
                return Json.write(m);
            }
            if (status == StoredRun.Status.RUNNING) heldSent = null; // training again: progress says so
            boolean pauseNews = status == StoredRun.Status.PAUSED || heldSent == StoredRun.Status.PAUSED;
            if (!ended && status != heldSent && pauseNews) {
                heldSent = status;
                return Json.write(Json.obj("type", "status", "status", status.name(), "message", run.message()));
            }
            if (ended && !statusSent) {
                statusSent = true;
                Map<String, Object> m = new LinkedHashMap<>();
                m.put("type", "status");
                m.put("status", status.name());
                m.put("message", run.message());
                return Json.write(m);
            }
            return null;
        }
    }
}
