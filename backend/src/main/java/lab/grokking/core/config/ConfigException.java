package lab.grokking.core.config;

import java.util.List;

/**
 * A config was rejected; each problem names its field and the allowed range. At most {@link #MAX_PROBLEMS} are kept
 * and reported, with a count of the rest: a request with 80 000 bad keys costs a linear scan, not a quadratic message.
 */
public final class ConfigException extends IllegalArgumentException {
    /** Problems kept and reported; the message counts the others. */
    public static final int MAX_PROBLEMS = 20;

    private final List<Problem> problems;
    private final int total;

    public ConfigException(List<Problem> problems) {
        super(message(problems));
        this.problems = List.copyOf(problems.subList(0, Math.min(problems.size(), MAX_PROBLEMS)));
        this.total = problems.size();
    }

    public ConfigException(String field, String message) {
        this(List.of(new Problem(field, message)));
    }

    private static String message(List<Problem> problems) {
        if (problems.isEmpty()) return "invalid config";
        StringBuilder b = new StringBuilder();
        int shown = Math.min(problems.size(), MAX_PROBLEMS);
        for (int i = 0; i < shown; i++) b.append(i > 0 ? "; " : "").append(problems.get(i));
        if (problems.size() > shown)
            b.append("; and ").append(problems.size() - shown).append(" more problems");
        return b.toString();
    }

    /** The first {@link #MAX_PROBLEMS} problems. */
    public List<Problem> problems() {
        return problems;
    }

    /** How many problems there were in all. */
    public int total() {
        return total;
    }

    public record Problem(String field, String message) {
        /** A blank field (a JSON key of spaces, or empty) is named in quotes: a client still sees which key it was. */
        public Problem {
            if (field != null && field.isBlank()) field = '"' + field + '"';
        }

        @Override
        public String toString() {
            return field + ": " + message;
        }
    }
}
