package lab.grokking.core.config;

import java.util.ArrayList;
import java.util.List;

/** Collects every problem of a config, so a user sees all of them at once. */
public final class Checks {
    private final List<ConfigException.Problem> problems = new ArrayList<>();

    public Checks range(String field, long value, long min, long max) {
        if (value < min || value > max) fail(field, "must be in [" + min + ", " + max + "], got " + value);
        return this;
    }

    /** min < value ≤ max when minExclusive, else min ≤ value ≤ max; NaN and ±Infinity are always rejected. */
    public Checks range(String field, double value, double min, boolean minExclusive, double max) {
        if (!Double.isFinite(value)) fail(field, "must be a finite number, got " + value);
        else if (value > max || (minExclusive ? value <= min : value < min))
            fail(field, "must be in " + (minExclusive ? "(" : "[") + min + ", " + max + "], got " + value);
        return this;
    }

    public Checks fail(String field, String message) {
        problems.add(new ConfigException.Problem(field, message));
        return this;
    }

    public List<ConfigException.Problem> problems() {
        return problems;
    }

    public void throwIfAny() {
        if (!problems.isEmpty()) throw new ConfigException(problems);
    }
}
