package lab.grokking.core.linalg;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.function.IntConsumer;

/**
 * Splits a product into contiguous parts run on a shared daemon pool; the caller runs part 0 itself.
 * Parts own disjoint outputs and every kernel sums in a fixed order, so the thread count never changes
 * a result. Threads: system property {@code groklab.threads}, default all cores.
 */
public final class Workers {
    private static final int THREADS = Math.max(1, Integer.getInteger("groklab.threads", Runtime.getRuntime().availableProcessors()));
    private static final ExecutorService POOL = THREADS == 1 ? null : Executors.newFixedThreadPool(THREADS - 1, r -> {
        Thread t = new Thread(r, "groklab-kernel");
        t.setDaemon(true);
        return t;
    });

    private Workers() {}

    public static int threads() { return THREADS; }

    /** Runs task(p) for p in [0, parts), parts ≤ threads(); returns when all are done. */
    public static void run(int parts, IntConsumer task) {
        if (parts <= 1 || POOL == null) {
            for (int p = 0; p < parts; p++) task.accept(p);
            return;
        }
        @SuppressWarnings("unchecked")
        CompletableFuture<Void>[] others = new CompletableFuture[parts - 1];
        for (int p = 1; p < parts; p++) {
            int part = p;
            others[p - 1] = CompletableFuture.runAsync(() -> task.accept(part), POOL);
        }
        task.accept(0);
        CompletableFuture.allOf(others).join();
    }

    /** Items per part so that a part is worth a thread hand-off (~10–50 µs): about 2²⁰ multiply-adds. */
    public static int minChunk(long workPerItem) {
        return (int) Math.max(1, Math.min(Integer.MAX_VALUE, (1L << 20) / Math.max(1, workPerItem)));
    }

    /** Splits [0, n) into up to threads() ranges of at least minChunk and runs body(from, to) on each. */
    public static void forRange(int n, int minChunk, RangeBody body) {
        int parts = (int) Math.max(1, Math.min(THREADS, n / Math.max(1, (long) minChunk)));
        run(parts, p -> body.run((int) ((long) n * p / parts), (int) ((long) n * (p + 1) / parts)));
    }

    @FunctionalInterface
    public interface RangeBody {
        void run(int from, int to);
    }
}
