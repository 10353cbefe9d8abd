package lab.grokking.core.sweep;

import com.fasterxml.jackson.annotation.JsonCreator;
import com.fasterxml.jackson.annotation.JsonValue;
import java.util.Locale;

/**
 * What became of one run, from its task's outcome metric ({@link lab.grokking.core.task.OutcomeMetric}); the rules are
 * {@link Outcomes#classify}'s, and {@link #rule()} states each in a sentence for the views.
 */
public enum Outcome {
    NOT_FINISHED("not finished", "The run is queued, running, cancelled, failed or diverged: it has no final curve."),
    DID_NOT_FIT("did not fit", "The train metric never reached its level."),
    MEMORISED("memorised", "The train metric reached its level and held it; the test metric never reached its level."),
    GENERALISED(
            "generalised",
            "Train and test held their levels to the end, and test got there less than "
                    + Outcomes.factorText()
                    + " times the fit step after the start (no visible delay on the log-step axis)."),
    GROKKED(
            "grokked",
            "Train and test held their levels to the end, and test got there at least "
                    + Outcomes.factorText()
                    + " times the fit step (a visible delay on the log-step axis)."),
    MISGROKKED(
            "misgrokked",
            "The train metric held its level, the test metric reached its level and then lost it before the end."),
    COLLAPSED("collapsed", "The train metric reached its level and then lost it before the end.");
    private final String label, rule;

    Outcome(String label, String rule) {
        this.label = label;
        this.rule = rule;
    }

    /** As users read it, e.g. "did not fit". */
    public String label() {
        return label;
    }

    /** The documented rule, in one sentence. */
    public String rule() {
        return rule;
    }

    /** The JSON name, e.g. "did_not_fit". */
    @JsonValue
    public String json() {
        return name().toLowerCase(Locale.ROOT);
    }

    /** The outcome of a JSON name ("grokked"). */
    @JsonCreator
    public static Outcome ofJson(String name) {
        return valueOf(name.toUpperCase(Locale.ROOT));
    }
}
