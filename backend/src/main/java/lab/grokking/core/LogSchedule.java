package lab.grokking.core;

import java.util.Arrays;
import java.util.TreeSet;

/**
 * Evaluation steps that read well on a log-step axis: every step up to 10, then {@code perDecade}
 * log-spaced points per decade, always including step 0, step 1 and the last step.
 */
public final class LogSchedule {
    private final long[] steps;

    public LogSchedule(long lastStep, int perDecade) {
        if (lastStep < 1) throw new IllegalArgumentException("lastStep must be ≥ 1: " + lastStep);
        if (perDecade < 1) throw new IllegalArgumentException("perDecade must be ≥ 1: " + perDecade);
        TreeSet<Long> s = new TreeSet<>();
        for (long k = 0; k <= Math.min(10, lastStep); k++) s.add(k);
        double top = StrictMath.log10(lastStep);
        for (int j = perDecade; j / (double) perDecade < top; j++)
            s.add(Math.round(StrictMath.pow(10, j / (double) perDecade)));
        s.add(lastStep);
        steps = s.stream().filter(k -> k <= lastStep).mapToLong(Long::longValue).toArray();
    }

    public long[] steps() {
        return steps.clone();
    }

    public int size() {
        return steps.length;
    }

    public long get(int i) {
        return steps[i];
    }

    /** Index of the first scheduled step ≥ step (size() when none). */
    public int indexFrom(long step) {
        int i = Arrays.binarySearch(steps, step);
        return i >= 0 ? i : -i - 1;
    }

    /** About {@code count} schedule steps spread evenly in log(1 + step), first and last included (snapshot steps). */
    public long[] spread(int count) {
        long[] s = steps;
        TreeSet<Long> out = new TreeSet<>();
        double top = StrictMath.log1p(s[s.length - 1]);
        int idx = 0;
        for (int j = 0; j < count; j++) {
            double target = top * j / (count - 1);
            while (idx + 1 < s.length
                    && Math.abs(StrictMath.log1p(s[idx + 1]) - target) <= Math.abs(StrictMath.log1p(s[idx]) - target))
                idx++;
            out.add(s[idx]);
        }
        return out.stream().mapToLong(Long::longValue).toArray();
    }
}
