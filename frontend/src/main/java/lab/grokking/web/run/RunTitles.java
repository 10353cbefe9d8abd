package lab.grokking.web.run;

import com.fasterxml.jackson.databind.JsonNode;
import java.util.Locale;

/** A run's heading from its task and the parameters the paper varies. */
public final class RunTitles {
    private RunTitles() {}

    public static String of(String task, JsonNode c) {
        String name = switch (task) {
            case "diag" -> "Diagonal linear net (" + c.path("data").asText("?") + " data, d = " + c.path("d").asText() + ", n = " + c.path("n").asText() + ")";
            case "mc" -> "Matrix completion (d = " + c.path("d").asText() + ")";
            case "modadd" -> "Modular addition (p = " + c.path("p").asText() + ", width " + c.path("width").asText() + ")";
            default -> task;
        };
        return name + String.format(Locale.ROOT, ": α = %s, η = %s, λ = %s", c.path("alpha").asText(), c.path("lr").asText(), c.path("weightDecay").asText());
    }
}
