package lab.grokking.web.compare;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

/** Legend labels for overlaid runs: the parameters whose values differ between them, e.g. "α = 10" across Fig. 2b. */
public final class Legends {
    private Legends() {}

    private static final Map<String, String> SYMBOLS =
            Map.of("alpha", "α", "weightDecay", "λ", "lr", "η", "seed", "seed");

    /** How users write a config field: "α" for alpha, "λ" for weightDecay, "η" for lr, else its name. */
    public static String symbol(String field) {
        return SYMBOLS.getOrDefault(field, field);
    }

    /** The config fields whose values differ between the runs, in the first run's order. */
    public static Set<String> differing(List<JsonNode> configs) {
        Set<String> differ = new LinkedHashSet<>();
        for (JsonNode c : configs)
            for (var it = c.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (configs.stream().map(x -> x.get(f)).distinct().count() > 1) differ.add(f);
            }
        return differ;
    }

    /** Two or more runs that differ in their seed and nothing else: a case for mean ± std bands. */
    public static boolean onlySeedsDiffer(List<JsonNode> configs) {
        return configs.size() > 1 && differing(configs).equals(Set.of("seed"));
    }

    public static List<String> labels(List<JsonNode> configs) {
        Set<String> differ = differing(configs);
        List<String> out = new ArrayList<>();
        for (int i = 0; i < configs.size(); i++) {
            JsonNode c = configs.get(i);
            List<String> parts = new ArrayList<>();
            for (String f : differ) parts.add(symbol(f) + " = " + c.get(f).asText());
            out.add(parts.isEmpty() ? "run " + (i + 1) : String.join(", ", parts));
        }
        return out;
    }
}
