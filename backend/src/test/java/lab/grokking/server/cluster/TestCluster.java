package lab.grokking.server.cluster;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.function.BiConsumer;
import java.util.function.Consumer;

/**
 * An in-memory network of {@link Cluster} members for tests in one JVM: the live set is the test's to change (a member
 * taken out of it is "dead" to the others, and alone, so without quorum once {@code minMembers} > 1), and queued
 * wake-ups, change notices, cancels and live feeds (every event held, like a ringbuffer that never fills) are delivered on one
 * messaging thread, as Hazelcast delivers them on its own.
 */
public final class TestCluster implements AutoCloseable {
    private final int minMembers;
    private final Map<String, Member> members = new LinkedHashMap<>(); // guarded by this
    private final Set<String> live = new LinkedHashSet<>(); // guarded by this
    private final ExecutorService messages = Executors.newSingleThreadExecutor(r -> {
        Thread t = new Thread(r, "test-cluster-messages");
        t.setDaemon(true);
        return t;
    });
    private final Map<String, List<FeedEvent>> feeds = new HashMap<>(); // guarded by this: events held per run
    private final Map<String, List<Consumer<FeedEvent>>> followers = new HashMap<>(); // guarded by this

    /** Cancels delivered, as "member:run", for assertions. */
    public final List<String> cancelsDelivered = new CopyOnWriteArrayList<>();

    public TestCluster(int minMembers) {
        this.minMembers = minMembers;
    }

    /** A new member, live. */
    public synchronized Member join(String id) {
        Member m = new Member(id);
        members.put(id, m);
        live.add(id);
        return m;
    }

    /** The member is dead to the others (and sees only itself): its runs may be taken over. */
    public synchronized void partition(String id) {
        live.remove(id);
    }

    /** Waits until every message sent so far was delivered. */
    public void drain() {
        try {
            messages.submit(() -> {}).get(10, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("test cluster messages did not drain", e);
        }
    }

    private synchronized Set<String> view(String id) {
        return live.contains(id) ? Set.copyOf(live) : Set.of(id);
    }

    private synchronized List<Member> liveMembers() {
        List<Member> out = new ArrayList<>();
        for (String id : live) out.add(members.get(id));
        return out;
    }

    @Override
    public void close() {
        messages.shutdownNow();
    }

    /** One member of the test network. */
    public final class Member implements Cluster {
        private final String id;
        private final List<Runnable> queued = new CopyOnWriteArrayList<>();
        private final List<BiConsumer<String, String>> cancels = new CopyOnWriteArrayList<>();
        private final List<Consumer<String>> changed = new CopyOnWriteArrayList<>();

        Member(String id) {
            this.id = id;
        }

        @Override
        public String memberId() {
            return id;
        }

        @Override
        public Set<String> liveMembers() {
            return view(id);
        }

        @Override
        public boolean distributed() {
            return true;
        }

        @Override
        public boolean hasQuorum() {
            return view(id).size() >= minMembers;
        }

        @Override
        public void announceQueued() {
            List<Member> to = live(id) ? TestCluster.this.liveMembers() : List.of(this);
            messages.execute(() -> {
                for (Member m : to) for (Runnable r : m.queued) r.run();
            });
        }

        @Override
        public void onQueued(Runnable listener) {
            queued.add(listener);
        }

        @Override
        public void announceChanged(String runId) {
            List<Member> to = live(id) ? TestCluster.this.liveMembers() : List.of(this);
            messages.execute(() -> {
                for (Member m : to) for (Consumer<String> c : m.changed) c.accept(runId);
            });
        }

        @Override
        public void onChanged(Consumer<String> listener) {
            changed.add(listener);
        }

        @Override
        public void sendCancel(String member, String runId, String client) {
            Member to;
            synchronized (TestCluster.this) {
                to = live.contains(member) && live.contains(id) ? members.get(member) : null;
            }
            if (to == null) return; // lost, as a message to a dead member is
            Member target = to;
            messages.execute(() -> {
                cancelsDelivered.add(member + ":" + runId);
                for (BiConsumer<String, String> h : target.cancels) h.accept(runId, client);
            });
        }

        @Override
        public void onCancel(BiConsumer<String, String> handler) {
            cancels.add(handler);
        }

        @Override
        public void publish(String runId, FeedEvent event) {
            List<Consumer<FeedEvent>> to;
            synchronized (TestCluster.this) {
                feeds.computeIfAbsent(runId, k -> new ArrayList<>()).add(event);
                to = List.copyOf(followers.getOrDefault(runId, List.of()));
            }
            messages.execute(() -> {
                for (Consumer<FeedEvent> h : to) h.accept(event);
            });
        }

        @Override
        public Feed subscribe(String runId, Consumer<FeedEvent> handler) {
            List<FeedEvent> held;
            synchronized (TestCluster.this) {
                held = List.copyOf(feeds.getOrDefault(runId, List.of()));
                followers
                        .computeIfAbsent(runId, k -> new CopyOnWriteArrayList<>())
                        .add(handler);
            }
            messages.execute(() -> {
                for (FeedEvent e : held) handler.accept(e);
            });
            return () -> {
                synchronized (TestCluster.this) {
                    List<Consumer<FeedEvent>> f = followers.get(runId);
                    if (f != null) f.remove(handler);
                }
            };
        }

        @Override
        public void dropFeed(String runId) {
            synchronized (TestCluster.this) {
                feeds.remove(runId);
            }
        }

        @Override
        public Map<String, Object> describe() {
            return Map.of("mode", "cluster", "member", id, "members", List.copyOf(view(id)));
        }

        @Override
        public void close() {
            partition(id);
        }
    }

    private synchronized boolean live(String id) {
        return live.contains(id);
    }
}
