package lab.grokking.core.config;

import java.util.List;

/** A config was rejected; each problem names its field and the allowed range. */
public final class ConfigException extends IllegalArgumentException {
    private final List<Problem> problems;

    public ConfigException(List<Problem> problems) {
        super(problems.stream()
                .map(Problem::toString)
                .reduce((a, b) -> a + "; " + b)
                .orElse("invalid config"));
        this.problems = List.copyOf(problems);
    }

    public ConfigException(String field, String message) {
        this(List.of(new Problem(field, message)));
    }

    public List<Problem> problems() {
        return problems;
    }

    public record Problem(String field, String message) {
        @Override
        public String toString() {
            return field + ": " + message;
        }
    }
}
