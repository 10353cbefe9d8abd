package lab.grokking.web.sweep;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.grokking.core.sweep.Outcome;

/**
 * The one colour of each outcome, used by the phase diagram's cells, its legend and the law view's points
 * (Okabe–Ito, distinguishable with the common colour-vision deficiencies). A new outcome does not compile until it
 * has a colour here.
 */
public final class OutcomeColours {
    private OutcomeColours() {}

    public static String of(Outcome o) {
        return switch (o) {
            case NOT_FINISHED -> "#BBBBBB";
            case DID_NOT_FIT -> "#000000";
            case MEMORISED -> "#E69F00";
            case GENERALISED -> "#56B4E9";
            case GROKKED -> "#009E73";
            case MISGROKKED -> "#CC79A7";
            case COLLAPSED -> "#D55E00";
        };
    }

    /** Every outcome in declaration order as {key, label, colour, rule}: the legend's content. */
    public static List<Map<String, String>> legend() {
        List<Map<String, String>> out = new ArrayList<>();
        for (Outcome o : Outcome.values()) {
            Map<String, String> m = new LinkedHashMap<>();
            m.put("key", o.json());
            m.put("label", o.label());
            m.put("colour", of(o));
            m.put("rule", o.rule());
            out.add(m);
        }
        return out;
    }
}
