package lab.grokking.core;

/**
 * SplitMix64: fully specified, so the same seed gives the same numbers on every JVM and machine.
 * Streams are derived from (seed, purpose, index), so any row of a data set can be regenerated alone
 * (test sets are regenerated in chunks, in parallel, instead of being held in memory).
 */
public final class Rng {
    private long state;

    public Rng(long seed) {
        this.state = seed;
    }

    /** An independent stream for (seed, purpose, index). */
    public static Rng stream(long seed, String purpose, long index) {
        long h = mix(seed ^ 0x6A09E667F3BCC909L);
        for (int i = 0; i < purpose.length(); i++) h = mix(h ^ purpose.charAt(i));
        return new Rng(mix(h ^ mix(index + 0x3C6EF372FE94F82BL)));
    }

    static long mix(long z) {
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public long nextLong() {
        return mix(state += 0x9E3779B97F4A7C15L);
    }

    /** Uniform in [0, 1) with 53 random bits. */
    public double nextDouble() {
        return (nextLong() >>> 11) * 0x1.0p-53;
    }

    public boolean nextBoolean() {
        return nextLong() < 0;
    }

    /** Uniform in [0, bound). */
    public int nextInt(int bound) {
        if (bound <= 0) throw new IllegalArgumentException("bound must be positive: " + bound);
        return (int) (((nextLong() >>> 33) * bound) >>> 31);
    }

    private double spare = Double.NaN;

    /** Standard normal by the polar method with StrictMath, so it is reproducible across JVMs. */
    public double nextGaussian() {
        if (!Double.isNaN(spare)) {
            double s = spare;
            spare = Double.NaN;
            return s;
        }
        double a, b, r;
        do {
            a = 2 * nextDouble() - 1;
            b = 2 * nextDouble() - 1;
            r = a * a + b * b;
        } while (r >= 1 || r == 0);
        double f = StrictMath.sqrt(-2 * StrictMath.log(r) / r);
        spare = b * f;
        return a * f;
    }
}
