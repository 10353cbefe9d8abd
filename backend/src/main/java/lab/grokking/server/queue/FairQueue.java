package lab.grokking.server.queue;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

/**
 * A bounded pool of worker threads over one waiting list. Dispatch order: priority class first (small classroom runs,
 * priority 0, before paper-scale ones, priority 1), then the client served least recently (round robin, so one
 * client's burst cannot starve the others), then arrival. A client never holds more than {@code perClientRunning}
 * workers or {@code perClientQueued} waiting jobs, and the clients behind one address together never more than
 * {@code address.runsRunning} workers (0: no such limit) or {@code address.runsQueued} waiting jobs.
 *
 * <p>Share: priority-1 jobs never hold more than {@code largeRunWorkers} workers at once (default: all but one, at
 * least one), so a classroom run always finds a worker that no paper-scale run can take; with one worker that worker
 * runs large jobs too (nothing is reserved). Aged jobs keep their priority-1 class for the share.
 *
 * <p>Ageing: a priority-1 job that has waited at least {@code maxWaitSeconds} counts as priority 0 from then on and goes
 * before every job that has not aged; aged jobs go in arrival order (longest wait first). Bound: a large run starts
 * within {@code maxWaitSeconds} plus the time the longest run running when it aged still needs, when no other aged run
 * is ahead of it; before that, small runs go first.
 *
 * <p>Client bookkeeping lasts while a client has a job waiting or running; a client that returns after that is treated
 * like a new one (never served, so first in the round robin of its class).
 */
public final class FairQueue implements RunExecutor {
    /** Default of {@code queue.maxWaitSeconds}. */
    public static final double DEFAULT_MAX_WAIT_SECONDS = 600;

    private final int perClientRunning, perClientQueued, maxQueued, largeRunWorkers;
    private final long maxWaitNanos;
    private final LongSupplier nanos;
    private final List<Waiting> waiting = new ArrayList<>();
    private final Map<String, Client> clients = new HashMap<>();
    private final Map<String, Client> addresses = new HashMap<>(); // the same counts per address (lastServed unused)
    private int addressQueued = Integer.MAX_VALUE, addressRunning = 0;
    private final List<Thread> workers = new ArrayList<>();
    private final List<Job> running = new ArrayList<>(); // in the order they started
    private long ticks;
    private int largeRunning; // priority-1 jobs among them
    private boolean closed;

    /** A job in the waiting list: {@code seq} orders arrivals, {@code since} (clock nanos) measures its wait. */
    private record Waiting(Job job, long seq, long since) {}

    /** Per-client state; an entry exists only while the client has a job waiting or running. */
    private static final class Client {
        int waiting, running;
        long lastServed = -1; // -1: never served, first in the round robin

        Client copy() {
            Client c = new Client();
            c.waiting = waiting;
            c.running = running;
            c.lastServed = lastServed;
            return c;
        }
    }

    public FairQueue(int workers, int perClientRunning, int perClientQueued, int maxQueued) {
        this(workers, perClientRunning, perClientQueued, maxQueued, DEFAULT_MAX_WAIT_SECONDS, System::nanoTime);
    }

    /** {@code nanos}: the clock that measures waits (tests pass their own). */
    public FairQueue(
            int workers,
            int perClientRunning,
            int perClientQueued,
            int maxQueued,
            double maxWaitSeconds,
            LongSupplier nanos) {
        this(workers, perClientRunning, perClientQueued, maxQueued, maxWaitSeconds, 0, nanos);
    }

    /** {@code largeRunWorkers}: workers priority-1 jobs may hold at once; 0 for the default, {@link #largeRunWorkers}. */
    public FairQueue(
            int workers,
            int perClientRunning,
            int perClientQueued,
            int maxQueued,
            double maxWaitSeconds,
            int largeRunWorkers,
            LongSupplier nanos) {
        if (workers < 1) throw new IllegalArgumentException("queue.workers must be >= 1, got " + workers);
        if (perClientRunning < 1)
            throw new IllegalArgumentException("queue.perClientRunning must be >= 1, got " + perClientRunning);
        // 0 would refuse every submission
        if (perClientQueued < 1)
            throw new IllegalArgumentException("queue.perClientQueued must be >= 1, got " + perClientQueued);
        if (maxQueued < 1) throw new IllegalArgumentException("queue.maxQueued must be >= 1, got " + maxQueued);
        if (!(maxWaitSeconds > 0) || !Double.isFinite(maxWaitSeconds))
            throw new IllegalArgumentException("queue.maxWaitSeconds must be a positive number, got " + maxWaitSeconds);
        if (largeRunWorkers < 0 || largeRunWorkers > workers)
            throw new IllegalArgumentException("queue.largeRunWorkers must be in [0, queue.workers = " + workers
                    + "] (0: all workers but one), got " + largeRunWorkers);
        this.largeRunWorkers = largeRunWorkers == 0 ? largeRunWorkers(workers) : largeRunWorkers;
        this.perClientRunning = perClientRunning;
        this.perClientQueued = perClientQueued;
        this.maxQueued = maxQueued;
        this.maxWaitNanos = (long) Math.min(maxWaitSeconds * 1e9, Long.MAX_VALUE / 4.0); // no overflow in since + wait
        this.nanos = nanos;
        for (int i = 0; i < workers; i++) {
            Thread t = new Thread(this::work, "groklab-run-" + i);
            t.setDaemon(true);
            this.workers.add(t);
            t.start();
        }
    }

    /** The default share of large runs: every worker but one, at least one. */
    public static int largeRunWorkers(int workers) {
        return Math.max(1, workers - 1);
    }

    /** Sets the address limits (settings address.runsQueued, address.runsRunning; 0 running: none). */
    public synchronized FairQueue addressLimits(int runsQueued, int runsRunning) {
        if (runsQueued < 1) throw new IllegalArgumentException("address.runsQueued must be >= 1, got " + runsQueued);
        if (runsRunning < 0)
            throw new IllegalArgumentException("address.runsRunning must be >= 0 (0: no limit), got " + runsRunning);
        this.addressQueued = runsQueued;
        this.addressRunning = runsRunning;
        return this;
    }

    @Override
    public synchronized void submit(Job job) {
        Client a = addresses.get(job.address());
        int behind = a == null ? 0 : a.waiting;
        if (behind >= addressQueued)
            throw new QueueLimitException(
                    "address.runsQueued",
                    "the clients at this address already have " + behind + " runs waiting (limit address.runsQueued = "
                            + addressQueued + "); wait for one to start");
        int mine = queued(job.client());
        if (mine >= perClientQueued) throw QueueLimitException.perClientQueued(mine, perClientQueued);
        if (waiting.size() >= maxQueued) throw QueueLimitException.maxQueued(waiting.size(), maxQueued);
        resubmit(job);
    }

    @Override
    public synchronized void resubmit(Job job) {
        if (closed) throw new QueueLimitException("closed", "the server is shutting down; try again after it restarts");
        waiting.add(new Waiting(job, ticks++, nanos.getAsLong()));
        clients.computeIfAbsent(job.client(), k -> new Client()).waiting++;
        addresses.computeIfAbsent(job.address(), k -> new Client()).waiting++;
        notifyAll();
    }

    @Override
    public synchronized boolean remove(String runId) {
        for (int i = 0; i < waiting.size(); i++) {
            Job j = waiting.get(i).job();
            if (j.runId().equals(runId)) {
                waiting.remove(i);
                Client c = clients.get(j.client());
                c.waiting--;
                forgetIfIdle(clients, j.client(), c);
                Client a = addresses.get(j.address());
                a.waiting--;
                forgetIfIdle(addresses, j.address(), a);
                return true;
            }
        }
        return false;
    }

    @Override
    public synchronized int queued(String client) {
        Client c = clients.get(client);
        return c == null ? 0 : c.waiting;
    }

    @Override
    public synchronized int running(String client) {
        Client c = clients.get(client);
        return c == null ? 0 : c.running;
    }

    /**
     * Simulates dispatch by {@link #pick}'s rules on copies of the client state, with the waits as they are now: a job
     * starts while a worker is free, and when none is (or the limits hold every waiting job back) the runs are assumed
     * to end in the order they started, each freeing its worker, its client's slot and its share. A run ending in
     * another order, or a job ageing meanwhile, can change the order.
     */
    @Override
    public synchronized List<String> ahead(String runId) {
        if (waiting.stream().noneMatch(w -> w.job().runId().equals(runId))) return null;
        Map<String, Client> sim = new HashMap<>();
        for (Waiting w : waiting)
            sim.computeIfAbsent(w.job().client(), k -> clients.get(k).copy());
        for (Job j : running)
            sim.computeIfAbsent(j.client(), k -> clients.get(k).copy());
        Map<String, Client> simAddresses = new HashMap<>();
        for (var e : addresses.entrySet())
            simAddresses.put(e.getKey(), e.getValue().copy());
        ArrayDeque<Job> busy = new ArrayDeque<>(running);
        List<Waiting> left = new ArrayList<>(waiting);
        List<String> out = new ArrayList<>();
        long now = nanos.getAsLong(), tick = ticks;
        int large = largeRunning;
        while (true) {
            Waiting w = busy.size() < workers.size() ? pick(left, sim, simAddresses, large, now) : null;
            if (w == null) {
                Job done = busy.poll();
                if (done == null) throw new IllegalStateException("no waiting job can start with nothing running");
                sim.get(done.client()).running--;
                simAddresses.get(done.address()).running--;
                if (done.priority() > 0) large--;
                continue;
            }
            if (w.job().runId().equals(runId)) return out;
            out.add(w.job().runId());
            left.remove(w);
            Client c = sim.get(w.job().client());
            c.running++;
            c.lastServed = tick++;
            simAddresses.get(w.job().address()).running++;
            if (w.job().priority() > 0) large++;
            busy.add(w.job());
        }
    }

    @Override
    public int workers() {
        return workers.size();
    }

    /** Clients with bookkeeping (a job waiting or running); for tests and monitoring. */
    public synchronized int trackedClients() {
        return clients.size();
    }

    /**
     * The dispatch rules, shared by {@link #work} and {@link #ahead}: the best job by class (aged priority-1 jobs count
     * as 0 and go first, oldest first), then least recently served client, then arrival; skipping clients at
     * {@code perClientRunning} and, while {@code large} priority-1 jobs hold the share {@code largeRunWorkers}, every
     * priority-1 job (aged or not). Null when none qualifies.
     */
    private Waiting pick(
            Collection<Waiting> jobs,
            Map<String, Client> state,
            Map<String, Client> addressState,
            int large,
            long now) {
        Waiting best = null;
        boolean bestAged = false;
        for (Waiting w : jobs) {
            Client c = state.get(w.job().client());
            if (c.running >= perClientRunning || w.job().priority() > 0 && large >= largeRunWorkers) continue;
            if (addressRunning > 0 && addressState.get(w.job().address()).running >= addressRunning) continue;
            boolean aged = aged(w, now);
            if (best == null
                    || compare(w, aged, c, best, bestAged, state.get(best.job().client())) < 0) {
                best = w;
                bestAged = aged;
            }
        }
        return best;
    }

    private boolean aged(Waiting w, long now) {
        return w.job().priority() > 0 && now - w.since() >= maxWaitNanos;
    }

    private static int compare(Waiting a, boolean agedA, Client ca, Waiting b, boolean agedB, Client cb) {
        int pa = agedA ? 0 : a.job().priority(), pb = agedB ? 0 : b.job().priority();
        if (pa != pb) return Integer.compare(pa, pb);
        if (agedA != agedB) return agedA ? -1 : 1;
        if (agedA) return Long.compare(a.seq(), b.seq()); // both aged: longest wait first, no round robin
        int c = Long.compare(ca.lastServed, cb.lastServed);
        return c != 0 ? c : Long.compare(a.seq(), b.seq());
    }

    private static void forgetIfIdle(Map<String, Client> map, String key, Client c) {
        if (c.waiting == 0 && c.running == 0) map.remove(key);
    }

    private void work() {
        while (true) {
            Job job;
            synchronized (this) {
                Waiting w = null;
                while (!closed && (w = pick(waiting, clients, addresses, largeRunning, nanos.getAsLong())) == null) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed || w == null) return;
                waiting.remove(w);
                job = w.job();
                Client c = clients.get(job.client());
                c.waiting--;
                c.running++;
                c.lastServed = ticks++;
                Client a = addresses.get(job.address());
                a.waiting--;
                a.running++;
                if (job.priority() > 0) largeRunning++;
                running.add(job);
            }
            try {
                job.body().run();
            } catch (RuntimeException | Error e) {
                // the body records its own failure; a worker must outlive any run
                System.getLogger(FairQueue.class.getName())
                        .log(System.Logger.Level.ERROR, "run " + job.runId() + " failed", e);
            } finally {
                synchronized (this) {
                    Client c = clients.get(job.client());
                    c.running--;
                    if (job.priority() > 0) largeRunning--;
                    running.remove(job);
                    forgetIfIdle(clients, job.client(), c);
                    Client a = addresses.get(job.address());
                    a.running--;
                    forgetIfIdle(addresses, job.address(), a);
                    notifyAll();
                }
            }
        }
    }

    @Override
    public void close(long timeoutMillis) {
        synchronized (this) {
            closed = true;
            notifyAll();
        }
        long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(timeoutMillis);
        for (Thread t : workers) {
            try {
                long left = TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime());
                if (left > 0) t.join(left);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
    }
}
