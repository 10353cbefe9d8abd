package lab.grokking.core.linalg;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import java.util.function.IntConsumer;

/**
 * Splits a product into contiguous parts; the caller runs part 0 itself. Parts own disjoint outputs and every
 * kernel sums in a fixed order, so the thread count never changes a result. Threads: system property
 * {@code groklab.threads}, default all cores.
 * <p>The other parts go to persistent helper threads, handed over by a volatile sequence number: a helper
 * spins for up to {@link #SPIN_NANOS} after its last part (a training step hands over twice within
 * microseconds) and then parks, so it burns no core when idle. A second caller while the helpers are busy
 * (concurrent runs, or a nested call) falls back to a plain daemon pool.
 */
public final class Workers {
    /** The system property that sets the thread count; read once, when this class is first used. */
    public static final String PROPERTY = "groklab.threads";

    private static final int THREADS =
            Math.max(1, Integer.getInteger(PROPERTY, Runtime.getRuntime().availableProcessors()));
    /** How long a helper (or a caller waiting for one) spins before it parks. */
    static final long SPIN_NANOS = 100_000;

    private static final Helper[] HELPERS = new Helper[THREADS - 1];
    private static final AtomicBoolean BUSY = new AtomicBoolean();
    private static volatile ExecutorService pool;

    static {
        for (int h = 0; h < HELPERS.length; h++) {
            HELPERS[h] = new Helper(h + 1);
            HELPERS[h].start();
        }
    }

    private Workers() {}

    public static int threads() {
        return THREADS;
    }

    /** Runs task(p) for p in [0, parts); returns when all are done. Thread j runs parts j, j + threads(), …. */
    public static void run(int parts, IntConsumer task) {
        run(parts, task, true);
    }

    /** As {@link #run}; when the helpers are busy, on the pool if poolWhenBusy, else every part on the caller. */
    private static void run(int parts, IntConsumer task, boolean poolWhenBusy) {
        if (parts <= 1 || THREADS == 1) {
            for (int p = 0; p < parts; p++) task.accept(p);
            return;
        }
        if (!BUSY.compareAndSet(false, true)) {
            if (poolWhenBusy) runOnPool(parts, task);
            else for (int p = 0; p < parts; p++) task.accept(p);
            return;
        }
        try {
            int used = Math.min(parts, THREADS) - 1;
            for (int h = 0; h < used; h++) HELPERS[h].post(parts, task);
            Throwable error = null;
            try {
                for (int p = 0; p < parts; p += THREADS) task.accept(p);
            } catch (Throwable e) {
                error = e;
            }
            for (int h = 0; h < used; h++) {
                Throwable e = HELPERS[h].await();
                if (error == null) error = e;
            }
            if (error instanceof RuntimeException r) throw r;
            if (error instanceof Error r) throw r;
            if (error != null) throw new RuntimeException(error);
        } finally {
            BUSY.set(false);
        }
    }

    private static void runOnPool(int parts, IntConsumer task) {
        ExecutorService p = pool;
        if (p == null) {
            synchronized (Workers.class) {
                if ((p = pool) == null)
                    pool = p = Executors.newFixedThreadPool(THREADS - 1, r -> {
                        Thread t = new Thread(r, "groklab-kernel-pool");
                        t.setDaemon(true);
                        return t;
                    });
            }
        }
        @SuppressWarnings("unchecked")
        CompletableFuture<Void>[] others = new CompletableFuture[parts - 1];
        for (int q = 1; q < parts; q++) {
            int part = q;
            others[q - 1] = CompletableFuture.runAsync(() -> task.accept(part), p);
        }
        task.accept(0);
        CompletableFuture.allOf(others).join();
    }

    /** Items per part so that a part is worth a thread hand-off: about 2²⁰ multiply-adds. */
    public static int minChunk(long workPerItem) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (1L << 20) / Math.max(1, workPerItem)));
    }

    /** Parts forRange uses for n items: up to threads(), each of at least minChunk items. */
    public static int parts(int n, int minChunk) {
        return (int) Math.max(1, Math.min(THREADS, n / Math.max(1, (long) minChunk)));
    }

    /** Splits [0, n) into up to threads() ranges of at least minChunk and runs body(from, to) on each. */
    public static void forRange(int n, int minChunk, RangeBody body) {
        forParts(n, parts(n, minChunk), body);
    }

    /** Splits [0, n) into exactly parts contiguous ranges (as even as possible) and runs body on each. */
    public static void forParts(int n, int parts, RangeBody body) {
        forParts(n, parts, body, true);
    }

    /**
     * As {@link #forParts}, but while the helpers are busy (another run's product) the caller runs the parts itself,
     * in order: for steps of tens of microseconds, where a hand-off to the pool costs more than the split saves.
     */
    public static void forPartsOrInline(int n, int parts, RangeBody body) {
        forParts(n, parts, body, false);
    }

    private static void forParts(int n, int parts, RangeBody body, boolean poolWhenBusy) {
        run(parts, p -> body.run((int) ((long) n * p / parts), (int) ((long) n * (p + 1) / parts)), poolWhenBusy);
    }

    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }

    /** Spins for a while, then parks; the spin-wait loops of both sides. */
    private static final class Helper extends Thread {
        private final int index;
        private volatile int posted, finished;
        private volatile boolean sleeping, callerSleeping;
        private IntConsumer task;
        private int parts;
        private Throwable error;
        private Thread caller;

        Helper(int index) {
            super("groklab-kernel-" + index);
            this.index = index;
            setDaemon(true);
        }

        void post(int parts, IntConsumer task) {
            this.parts = parts;
            this.task = task;
            this.error = null;
            this.caller = Thread.currentThread();
            posted = posted + 1; // volatile write publishes the fields above
            if (sleeping) LockSupport.unpark(this);
        }

        Throwable await() {
            int seq = posted;
            if (finished != seq) {
                long start = System.nanoTime();
                for (int i = 0; finished != seq; i++) {
                    if ((i & 63) != 63 || System.nanoTime() - start < SPIN_NANOS) {
                        Thread.onSpinWait();
                    } else {
                        callerSleeping = true;
                        if (finished != seq) LockSupport.park(this);
                        callerSleeping = false;
                    }
                }
            }
            task = null;
            return error;
        }

        @Override
        public void run() {
            int seen = 0;
            while (true) {
                long start = System.nanoTime();
                for (int i = 0; posted == seen; i++) {
                    if ((i & 63) != 63 || System.nanoTime() - start < SPIN_NANOS) {
                        Thread.onSpinWait();
                    } else {
                        sleeping = true;
                        if (posted == seen) LockSupport.park(this);
                        sleeping = false;
                    }
                }
                seen = posted;
                try {
                    for (int p = index; p < parts; p += THREADS) task.accept(p);
                } catch (Throwable e) {
                    error = e;
                }
                Thread c = caller;
                finished = seen;
                if (callerSleeping) LockSupport.unpark(c);
            }
        }
    }
}
