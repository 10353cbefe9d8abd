package lab.grokking.core.config;

/**
 * Server-side resource limits, checked against each config's own estimate before anything is allocated.
 * Defaults fit the 2-core, 24 GiB machines this runs on; override with system properties.
 */
public record Limits(long maxMemoryBytes, double maxWork) {
    /** 1.5 GiB of model + data + evaluation buffers per run; about 10¹⁵ multiply-adds of work per run. */
    public static final Limits DEFAULT = new Limits(
            Long.getLong("groklab.maxMemoryMb", 1536) << 20,
            Double.parseDouble(System.getProperty("groklab.maxWork", "1e15")));
}
