package lab.grokking.server.cluster;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/** The single-JVM default: one member, always in quorum; nothing leaves the process. */
public final class Solo implements Cluster {
    /** The owner recorded for runs trained by a single-JVM server. */
    public static final String MEMBER_ID = "local";

    private final List<Runnable> queued = new CopyOnWriteArrayList<>();

    @Override
    public String memberId() {
        return MEMBER_ID;
    }

    @Override
    public Set<String> liveMembers() {
        return Set.of(MEMBER_ID);
    }

    @Override
    public boolean distributed() {
        return false;
    }

    @Override
    public boolean hasQuorum() {
        return true;
    }

    @Override
    public void announceQueued() {
        for (Runnable r : new ArrayList<>(queued)) r.run();
    }

    @Override
    public void onQueued(Runnable listener) {
        queued.add(listener);
    }

    @Override
    public void announceChanged(String runId) {
        // one JVM: the run service changed its own caches
    }

    @Override
    public void onChanged(Consumer<String> listener) {
        // nothing arrives from elsewhere
    }

    @Override
    public void sendCancel(String member, String runId, String client) {
        throw new IllegalStateException("a single-JVM server has no member " + member + " to send a cancel to");
    }

    @Override
    public void onCancel(BiConsumer<String, String> handler) {
        // nothing arrives: every run is trained here
    }

    @Override
    public void publish(String runId, FeedEvent event) {
        // every viewer is in this process: it reads the run's LiveRun
    }

    @Override
    public Feed subscribe(String runId, Consumer<FeedEvent> handler) {
        return () -> {}; // nobody else publishes
    }

    @Override
    public void dropFeed(String runId) {}

    @Override
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("mode", "single");
        m.put("member", MEMBER_ID);
        m.put("members", List.of(MEMBER_ID));
        return m;
    }

    @Override
    public void close() {}
}
