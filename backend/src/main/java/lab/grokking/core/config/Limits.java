package lab.grokking.core.config;

/**
 * Server-side resource limits, checked against each config's own estimate before anything is allocated.
 * Defaults fit the 2-core, 24 GiB machines this runs on; override with system properties.
 */
public record Limits(long maxMemoryBytes, double maxWork) {
    /** 1.5 GiB of model + data + evaluation buffers per run; about 10¹⁵ multiply-adds of work per run. */
    public static final Limits DEFAULT =
            new Limits(property("groklab.maxMemoryMb", 1536) * (1L << 20), property("groklab.maxWork", 1e15));

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
