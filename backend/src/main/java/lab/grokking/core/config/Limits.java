package lab.grokking.core.config;

import java.util.Locale;

/**
 * Server-side resource limits, checked against each config's own estimate before anything is allocated.
 * Defaults fit the 2-core, 24 GiB machines this runs on; the memory and work limits are system properties, the disk
 * limits settings of the server (config/app.properties).
 *
 * @param maxMemoryBytes  per-run memory limit in effect
 * @param maxWork         per-run multiply-adds
 * @param maxDiskBytes    per-run bytes stored (rows, snapshots, checkpoint): limits.maxDiskBytes
 * @param clientDiskBytes bytes one client's runs may store together: limits.clientDiskBytes (a single run above it is
 *                        refused like one above maxDiskBytes)
 * @param memoryBasis     why maxMemoryBytes is below the configured limit (the heap), or null when it is that limit
 */
public record Limits(long maxMemoryBytes, double maxWork, long maxDiskBytes, long clientDiskBytes, String memoryBasis) {
    /**
     * Part of the heap, after the result cache, that the runs may fill together. The rest is for everything else a
     * busy server holds (requests and their buffers, streams, the store's statements) and for the collector, which
     * needs free regions to copy live objects into: a heap mostly full of live data collects all the time.
     */
    public static final double RUN_HEAP_SHARE = 0.6;

    /**
     * 1.5 GiB of model, data, evaluation buffers and pending snapshots per run; about 10¹⁵ multiply-adds of work;
     * 128 MiB stored per run (9× the largest preset's 14 MiB) and 2 GiB per client.
     */
    public static final Limits DEFAULT = new Limits(
            property("groklab.maxMemoryMb", 1536) * (1L << 20),
            property("groklab.maxWork", 1e15),
            128L << 20,
            2L << 30,
            null);

    /**
     * These limits on a server whose {@code workers} runs share a heap of {@code heapBytes} (the JVM's -Xmx) beside
     * {@code reservedBytes} of result cache: the memory limit becomes a worker's part of {@link #RUN_HEAP_SHARE} of
     * the rest when that is lower, so that a run accepted is a run the heap can hold while the others run.
     */
    public Limits withinHeap(long heapBytes, long reservedBytes, int workers) {
        long share = (long) (Math.max(0, heapBytes - reservedBytes) * RUN_HEAP_SHARE / Math.max(1, workers));
        if (share >= maxMemoryBytes) return this;
        String basis = String.format(
                Locale.ROOT,
                "derived from the heap: %.0f %% of the %d MiB heap (-Xmx) less the %d MiB result cache, shared by %d"
                        + " workers; the configured limit is %d MiB",
                RUN_HEAP_SHARE * 100,
                heapBytes >> 20,
                reservedBytes >> 20,
                workers,
                maxMemoryBytes >> 20);
        return new Limits(share, maxWork, maxDiskBytes, clientDiskBytes, basis);
    }

    /** These limits with other disk limits. */
    public Limits withDisk(long maxDiskBytes, long clientDiskBytes) {
        return new Limits(maxMemoryBytes, maxWork, maxDiskBytes, clientDiskBytes, memoryBasis);
    }

    private static double property(String name, double fallback) {
        String v = System.getProperty(name);
        if (v == null) return fallback;
        try {
            double x = Double.parseDouble(v.trim());
            if (x > 0 && Double.isFinite(x)) return x;
        } catch (NumberFormatException ignored) {
            // reported below
        }
        throw new IllegalArgumentException("system property " + name + " must be a positive number, got '" + v + "'");
    }

    private static long property(String name, long fallback) {
        return (long) property(name, (double) fallback);
    }
}
