import com.fasterxml.jackson.databind.JsonNode;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import lab.grokking.server.cluster.process.Member;
import lab.grokking.server.cluster.process.MemberGroup;
import lab.grokking.server.cluster.process.StoreProbe;
import lab.grokking.server.cluster.process.StreamWatch;

/**
 * A 48-run classroom sweep (Fig. 1a's classroom run: 4 init scales α × 3 weight decays λ × 4 seeds) on one app instance
 * in single mode (SQLite), then on 1, 2 and 3 cluster members over one PostgreSQL, all on this machine, one worker per
 * member, with the test harness's member processes (backend test classes). Prints per configuration: wall time, runs
 * per member, the time a run spends outside training (store writes within its attempt; the gap between a member's runs:
 * claim and wake-up), and the p95 latency of stream rows from the member that computed them to a viewer on another.
 * Run it through bench/cluster.sh. Arguments: the configurations, e.g. {@code single 1 2 3} (default).
 */
public final class ClusterBench {
    static final String SWEEP = "{\"title\":\"cluster bench\",\"preset\":\"fig1a-classroom\",\"axes\":{\"alpha\":"
            + "{\"from\":10,\"to\":1000,\"count\":4,\"scale\":\"log\"},\"weightDecay\":[0.001,0.002,0.004]},"
            + "\"seeds\":{\"count\":4}}";
    static final int RUNS = 48;

    /** Defaults of config/app.properties where the test harness shortens them. */
    static final Map<String, String> DEFAULTS = Map.of(
            "checkpointSeconds", "10",
            "cluster.heartbeatSeconds", "1",
            "cluster.maxNoHeartbeatSeconds", "15");

    public static void main(String[] args) throws Exception {
        List<String> configs = args.length > 0 ? List.of(args) : List.of("single", "1", "2", "3");
        Path root = Path.of("target", "cluster-bench", Long.toString(System.currentTimeMillis()));
        Map<String, Double> walls = new LinkedHashMap<>(); // configuration → wall seconds
        Map<String, Double> computes = new LinkedHashMap<>();
        for (String c : configs) {
            Result r = c.equals("single") ? single(root.resolve("single")) : cluster(root.resolve("n" + c), Integer.parseInt(c));
            walls.put(c, r.wall);
            computes.put(c, r.compute);
            System.out.println(r.line(c));
        }
        // time outside training per run: all members' wall time less what the runs trained, over the runs (set-up,
        // claims, store writes, wake-ups, and the idle tail of a member with nothing left to claim)
        Map<String, Double> outside = new LinkedHashMap<>();
        walls.forEach((c, w) -> outside.put(c, (w * (c.equals("single") ? 1 : Integer.parseInt(c)) - computes.get(c)) / RUNS));
        outside.forEach((c, o) -> System.out.printf("%-6s time outside training per run: %.3f s%n", c, o));
        if (outside.containsKey("single") && outside.containsKey("1")) {
            double compute = computes.get("single") / RUNS, single = outside.get("single"), one = outside.get("1");
            double perRun = (walls.get("1") - walls.get("single")) / RUNS; // also the training slowed beside PostgreSQL
            System.out.printf(
                    "overhead per run, 1 member against single mode: %.3f s outside training, %.3f s of wall time (the"
                            + " training itself shares the cores with PostgreSQL and Hazelcast here), on %.3f s of"
                            + " training%n",
                    one - single, perRun, compute);
            for (int n : new int[] {2, 3, 10})
                System.out.printf(
                        "projected: %d members on separate machines (one worker each) train the sweep %.2fx (counting"
                                + " the time outside training) to %.2fx (counting the whole wall-time difference) as"
                                + " fast as one instance in single mode%n",
                        n, n * (compute + single) / (compute + one), n * (compute + single) / (compute + single + perRun));
        }
    }

    record Result(double wall, double compute, Map<String, Integer> perMember, double inRun, double between, double p95, long rows) {
        String line(String config) {
            return String.format(
                    "%-6s wall %6.1f s  training %6.1f s  runs per member %s  in-run store time %.3f s/run  gap between"
                            + " runs %.3f s  stream p95 %s (%d rows)",
                    config, wall, compute, perMember, inRun, between, Double.isNaN(p95) ? "n/a" : String.format("%.0f ms", p95), rows);
        }
    }

    static Result single(Path dir) throws Exception {
        Map<String, String> s = new HashMap<>(DEFAULTS);
        s.put("port", "0");
        s.put("dataDir", dir.resolve("data").toString());
        s.put("queue.workers", "1");
        s.put("queue.batchMax", "1");
        s.put("queue.perClientRunning", "64");
        s.put("queue.perClientQueued", "256");
        s.put("threads", "1");
        try (Member m = Member.start("single", dir, s, Map.of()).awaitUp(120)) {
            return measure(List.of(m), null);
        }
    }

    static Result cluster(Path dir, int n) throws Exception {
        try (MemberGroup g = new MemberGroup(dir, n, DEFAULTS)) {
            List<Member> ms = g.startAll(n);
            ms.getFirst().awaitMembers(n, 60);
            g.store.sample();
            return measure(ms, g.store);
        }
    }

    /** Posts the sweep on the first member, watches every run on the member after its owner, waits for the end. */
    static Result measure(List<Member> ms, StoreProbe store) throws Exception {
        Map<String, String> owners = new HashMap<>(); // member id → name
        if (store != null) for (Member m : ms) owners.put(m.memberId(), m.name);
        long t0 = System.nanoTime();
        Member a = ms.getFirst();
        Member.Response posted = a.post("/api/sweeps", SWEEP);
        if (posted.status() != 201) throw new IllegalStateException(posted.status() + " " + posted.body());
        String sweep = posted.json().get("id").asText();
        Map<String, StreamWatch> viewers = new ConcurrentHashMap<>();
        Map<String, Double> connectedAt = new ConcurrentHashMap<>();
        while (true) {
            JsonNode r = a.get("/api/sweeps/" + sweep).json();
            if (store != null && ms.size() > 1)
                store.runs().forEach((id, o) -> { // a viewer on a member other than the run's owner
                    if (!o.status().equals("RUNNING") || o.owner() == null || viewers.containsKey(id)) return;
                    String owner = owners.get(o.owner());
                    Member on = ms.stream().filter(m -> !m.name.equals(owner)).findFirst().orElseThrow();
                    connectedAt.put(id, (double) System.currentTimeMillis());
                    viewers.put(id, StreamWatch.open(on, "/api/runs/" + id + "/stream"));
                });
            if (r.get("done").asBoolean()) break;
            Thread.sleep(50);
        }
        double wall = (System.nanoTime() - t0) / 1e9;
        JsonNode report = a.get("/api/sweeps/" + sweep).json();
        double compute = 0, inRun = 0;
        Map<String, Integer> perMember = new LinkedHashMap<>();
        Map<String, List<double[]>> spans = new HashMap<>(); // owner → [started, finished] of its runs
        for (JsonNode mem : report.get("members")) {
            String id = mem.get("run_id").asText();
            JsonNode run = a.run(id);
            if (!run.get("status").asText().equals("FINISHED")) throw new IllegalStateException(id + " " + run);
            JsonNode s = run.get("summary");
            double c = s.get("setup_seconds").asDouble() + s.get("train_seconds").asDouble() + s.get("eval_seconds").asDouble();
            double steps = s.get("train_seconds").asDouble() + s.get("eval_seconds").asDouble(); // started_at follows the set-up
            double started = Instant.parse(run.get("started_at").asText()).toEpochMilli() / 1e3;
            double finished = Instant.parse(run.get("finished_at").asText()).toEpochMilli() / 1e3;
            compute += c;
            inRun += finished - started - steps;
            String owner = store == null ? a.name : store.ownersSeen(id).stream().map(owners::get).reduce((x, y) -> y).orElse("?");
            perMember.merge(owner, 1, Integer::sum);
            spans.computeIfAbsent(owner, k -> new ArrayList<>()).add(new double[] {started, finished});
        }
        double gaps = 0;
        int gapCount = 0;
        for (List<double[]> l : spans.values()) {
            l.sort((x, y) -> Double.compare(x[0], y[0]));
            for (int i = 1; i < l.size(); i++) {
                gaps += Math.max(0, l.get(i)[0] - l.get(i - 1)[1]);
                gapCount++;
            }
        }
        List<Double> lat = new ArrayList<>();
        for (var e : viewers.entrySet()) {
            double since = connectedAt.get(e.getKey());
            for (double[] t : e.getValue().latencies) if (t[0] >= since) lat.add(t[1] - t[0]); // live rows only
            e.getValue().close();
        }
        double[] sorted = lat.stream().mapToDouble(Double::doubleValue).sorted().toArray();
        double p95 = sorted.length == 0 ? Double.NaN : sorted[(int) Math.min(sorted.length - 1, Math.ceil(0.95 * sorted.length) - 1)];
        return new Result(wall, compute, perMember, inRun / RUNS, gapCount == 0 ? 0 : gaps / gapCount, p95, sorted.length);
    }
}
