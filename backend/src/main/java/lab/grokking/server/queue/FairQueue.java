package lab.grokking.server.queue;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A bounded pool of worker threads over one waiting list. Dispatch order: priority class first (small
 * classroom runs before paper-scale ones), then the client served least recently (round robin, so one
 * client's burst cannot starve the others), then arrival. A client never holds more than
 * {@code perClientRunning} workers or {@code perClientQueued} waiting jobs.
 */
public final class FairQueue implements RunExecutor {
    private final int perClientRunning, perClientQueued, maxQueued;
    private final List<Job> waiting = new ArrayList<>();
    private final Map<String, Integer> running = new HashMap<>();
    private final Map<String, Long> lastServed = new HashMap<>();
    private final Map<String, Long> arrival = new HashMap<>();
    private final List<Thread> workers = new ArrayList<>();
    private long ticks;
    private boolean closed;

    public FairQueue(int workers, int perClientRunning, int perClientQueued, int maxQueued) {
        if (workers < 1) throw new IllegalArgumentException("queue.workers must be >= 1, got " + workers);
        if (perClientRunning < 1)
            throw new IllegalArgumentException("queue.perClientRunning must be >= 1, got " + perClientRunning);
        if (perClientQueued < 0)
            throw new IllegalArgumentException("queue.perClientQueued must be >= 0, got " + perClientQueued);
        if (maxQueued < 1) throw new IllegalArgumentException("queue.maxQueued must be >= 1, got " + maxQueued);
        this.perClientRunning = perClientRunning;
        this.perClientQueued = perClientQueued;
        this.maxQueued = maxQueued;
        for (int i = 0; i < workers; i++) {
            Thread t = new Thread(this::work, "groklab-run-" + i);
            t.setDaemon(true);
            this.workers.add(t);
            t.start();
        }
    }

    @Override
    public synchronized void submit(Job job) {
        long mine =
                waiting.stream().filter(j -> j.client().equals(job.client())).count();
        if (mine >= perClientQueued)
            throw new QueueLimitException(
                    "perClientQueued",
                    "this client already has " + mine + " runs waiting (limit queue.perClientQueued = "
                            + perClientQueued + "); wait for one to start or cancel one");
        if (waiting.size() >= maxQueued)
            throw new QueueLimitException(
                    "maxQueued",
                    "the server's queue is full (" + waiting.size() + " runs waiting, limit queue.maxQueued = "
                            + maxQueued + "); try again later");
        resubmit(job);
    }

    @Override
    public synchronized void resubmit(Job job) {
        if (closed) throw new QueueLimitException("closed", "the server is shutting down; try again after it restarts");
        waiting.add(job);
        arrival.put(job.runId(), ticks++);
        notifyAll();
    }

    @Override
    public synchronized boolean remove(String runId) {
        arrival.remove(runId);
        return waiting.removeIf(j -> j.runId().equals(runId));
    }

    @Override
    public synchronized int queued(String client) {
        return (int) waiting.stream().filter(j -> j.client().equals(client)).count();
    }

    @Override
    public synchronized int running(String client) {
        return running.getOrDefault(client, 0);
    }

    @Override
    public synchronized List<String> ahead(String runId) {
        List<Job> order = new ArrayList<>(waiting);
        order.sort(this::compare);
        for (int i = 0; i < order.size(); i++)
            if (order.get(i).runId().equals(runId))
                return order.subList(0, i).stream().map(Job::runId).toList();
        return null;
    }

    @Override
    public int workers() {
        return workers.size();
    }

    private int compare(Job a, Job b) {
        if (a.priority() != b.priority()) return Integer.compare(a.priority(), b.priority());
        int c = Long.compare(lastServed.getOrDefault(a.client(), -1L), lastServed.getOrDefault(b.client(), -1L));
        return c != 0 ? c : Long.compare(arrival.getOrDefault(a.runId(), 0L), arrival.getOrDefault(b.runId(), 0L));
    }

    /** The next job a free worker may take, or null. */
    private Job next() {
        Job best = null;
        for (Job j : waiting) {
            if (running.getOrDefault(j.client(), 0) >= perClientRunning) continue;
            if (best == null || compare(j, best) < 0) best = j;
        }
        return best;
    }

    private void work() {
        while (true) {
            Job job = null;
            synchronized (this) {
                while (!closed && (job = next()) == null) {
                    try {
                        wait();
                    } catch (InterruptedException e) {
                        return;
                    }
                }
                if (closed || job == null) return;
                waiting.remove(job);
                arrival.remove(job.runId());
                running.merge(job.client(), 1, Integer::sum);
                lastServed.put(job.client(), ticks++);
            }
            try {
                job.body().run();
            } catch (RuntimeException | Error e) {
                // the body records its own failure; a worker must outlive any run
                System.getLogger(FairQueue.class.getName())
                        .log(System.Logger.Level.ERROR, "run " + job.runId() + " failed", e);
            } finally {
                synchronized (this) {
                    running.merge(job.client(), -1, Integer::sum);
                    if (running.get(job.client()) == 0) running.remove(job.client());
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
