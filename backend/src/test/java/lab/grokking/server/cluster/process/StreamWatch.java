package lab.grokking.server.cluster.process;

import com.fasterxml.jackson.databind.JsonNode;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import lab.grokking.core.config.Configs;
import lab.grokking.server.runs.LiveRun;

/**
 * A WebSocket viewer of a member's stream (a run's or a sweep's) that records every message, and for each row of a
 * run stream its computed-at time (on the member that trained it) and its arrival time here, for latency.
 */
public final class StreamWatch implements WebSocket.Listener, AutoCloseable {
    public final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
    /** (computed at, arrived at) in epoch milliseconds, one per row received. */
    public final List<double[]> latencies = new CopyOnWriteArrayList<>();

    private final StringBuilder partial = new StringBuilder();
    private volatile WebSocket socket;
    public volatile int closeCode = -1;
    public volatile Throwable error;

    /** Connects to {@code path} (e.g. /api/runs/ID/stream) on this member. */
    public static StreamWatch open(Member m, String path) {
        StreamWatch w = new StreamWatch();
        HttpClient.newHttpClient()
                .newWebSocketBuilder()
                .buildAsync(URI.create(m.wsUrl(path)), w)
                .join();
        return w;
    }

    @Override
    public void onOpen(WebSocket ws) {
        socket = ws;
        ws.request(1);
    }

    @Override
    public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
        partial.append(data);
        if (last) {
            try {
                JsonNode m = Configs.JSON.readTree(partial.toString());
                if (m.get("type").asText().equals("points")) {
                    double now = LiveRun.epochMillis();
                    for (JsonNode t : m.get("computed_at")) latencies.add(new double[] {t.asDouble(), now});
                }
                messages.add(m);
            } catch (Exception e) {
                error = e;
            }
            partial.setLength(0);
        }
        ws.request(1);
        return null;
    }

    @Override
    public void onError(WebSocket ws, Throwable e) {
        error = e;
    }

    @Override
    public CompletionStage<?> onClose(WebSocket ws, int code, String reason) {
        closeCode = code;
        return null;
    }

    /** Messages until one of this type (inclusive) or the timeout. */
    public List<JsonNode> until(String type, long timeoutSeconds) {
        List<JsonNode> out = new ArrayList<>();
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(timeoutSeconds);
        try {
            while (System.nanoTime() < deadline) {
                JsonNode m = messages.poll(100, TimeUnit.MILLISECONDS);
                if (m == null) continue;
                out.add(m);
                if (m.get("type").asText().equals(type)) return out;
            }
        } catch (InterruptedException e) {
            throw new AssertionError(e);
        }
        throw new AssertionError("no \"" + type + "\" message within " + timeoutSeconds + " s; got " + out.size()
                + " messages "
                + out.stream().map(m -> m.get("type").asText()).distinct().toList() + ", close "
                + closeCode + ", error " + error);
    }

    /** Every row of these "points" messages, in order. */
    public static List<JsonNode> rows(List<JsonNode> messages) {
        List<JsonNode> s = new ArrayList<>();
        for (JsonNode m : messages)
            if (m.get("type").asText().equals("points")) m.get("rows").forEach(s::add);
        return s;
    }

    @Override
    public void close() {
        WebSocket ws = socket;
        if (ws != null && !ws.isOutputClosed())
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "done")
                    .handle((w, e) -> w) // a member that already dropped the connection leaves nothing to close
                    .join();
    }
}
