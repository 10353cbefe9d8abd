package lab.grokking.server.cluster.process;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Reads the shared store's ownership columns behind the members' backs (plain JDBC): who trains which run under which
 * epoch. A sampler records every (owner, epoch) a run was seen RUNNING under, which tells which members trained it.
 */
public final class StoreProbe implements AutoCloseable {
    /** A run row's ownership: its owner (null when unclaimed), the epoch of its last claim, its status. */
    public record Ownership(String owner, long epoch, String status) {}

    private final String url, user, password;
    private final Map<String, List<Ownership>> seen = new ConcurrentHashMap<>();
    private volatile Thread sampler;

    StoreProbe(String url, String user, String password) {
        this.url = url;
        this.user = user;
        this.password = password;
    }

    /** Every run not removed, by id. */
    public Map<String, Ownership> runs() {
        Map<String, Ownership> out = new LinkedHashMap<>();
        try (Connection c = DriverManager.getConnection(url, user, password);
                PreparedStatement s =
                        c.prepareStatement("SELECT id, owner, epoch, status FROM runs WHERE removed = 0 ORDER BY id");
                ResultSet r = s.executeQuery()) {
            while (r.next()) out.put(r.getString(1), new Ownership(r.getString(2), r.getLong(3), r.getString(4)));
        } catch (SQLException e) {
            throw new AssertionError("cannot read the store at " + url + ": " + e.getMessage(), e);
        }
        return out;
    }

    public Ownership run(String id) {
        Ownership o = runs().get(id);
        if (o == null) throw new AssertionError("no run " + id + " in the store");
        return o;
    }

    /** Starts sampling every 100 ms which owner (and epoch) trains each RUNNING run. */
    public void sample() {
        Thread t = Thread.ofPlatform().daemon().name("store-probe").start(() -> {
            while (!Thread.currentThread().isInterrupted()) {
                try {
                    runs().forEach((id, o) -> {
                        if (!o.status().equals("RUNNING") || o.owner() == null) return;
                        List<Ownership> l = seen.computeIfAbsent(id, k -> new CopyOnWriteArrayList<>());
                        if (l.stream()
                                .noneMatch(
                                        x -> x.epoch() == o.epoch() && x.owner().equals(o.owner()))) l.add(o);
                    });
                    Thread.sleep(100);
                } catch (InterruptedException e) {
                    return;
                } catch (AssertionError e) {
                    // the store restarting or a member's DDL in flight: the next sample reads it
                }
            }
        });
        sampler = t;
    }

    /** The owners (in order, one per epoch) a run was seen RUNNING under. */
    public List<String> ownersSeen(String id) {
        List<String> out = new ArrayList<>();
        for (Ownership o : seen.getOrDefault(id, List.of())) out.add(o.owner());
        return out;
    }

    /** Runs seen RUNNING under this owner. */
    public List<String> runsSeenOn(String owner) {
        List<String> out = new ArrayList<>();
        seen.forEach((id, l) -> {
            if (l.stream().anyMatch(o -> o.owner().equals(owner))) out.add(id);
        });
        return out;
    }

    @Override
    public void close() {
        Thread t = sampler;
        if (t != null) t.interrupt();
    }
}
