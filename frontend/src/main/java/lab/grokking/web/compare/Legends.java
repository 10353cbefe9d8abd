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

    public static List<String> labels(List<JsonNode> configs) {
        Set<String> differ = new LinkedHashSet<>();
        for (JsonNode c : configs)
            for (var it = c.fieldNames(); it.hasNext(); ) {
                String f = it.next();
                if (configs.stream().map(x -> x.get(f)).distinct().count() > 1) differ.add(f);
            }
        List<String> out = new ArrayList<>();
        for (int i = 0; i < configs.size(); i++) {
            JsonNode c = configs.get(i);
            List<String> parts = new ArrayList<>();
            for (String f : differ)
                parts.add(SYMBOLS.getOrDefault(f, f) + " = " + c.get(f).asText());
            out.add(parts.isEmpty() ? "run " + (i + 1) : String.join(", ", parts));
        }
        return out;
    }
}
