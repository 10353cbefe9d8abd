package lab.grokking.web.sweep;

import com.fasterxml.jackson.databind.node.ObjectNode;
import lab.grokking.core.config.ConfigException;
import lab.grokking.core.config.Configs;

/** The sweep form's fields as the body of POST /api/sweeps: {title, preset, axes, seeds: {count}}. */
public final class SweepRequest {
    private SweepRequest() {}

    /** {@code seeds}: how many seeds (1..count); null is left to the service to reject by name. */
    public static ObjectNode of(String title, String preset, String axesText, Integer seeds) {
        if (preset == null || preset.isBlank()) throw new ConfigException("preset", "pick a run preset as the base");
        ObjectNode body = Configs.JSON.createObjectNode();
        if (title != null && !title.isBlank()) body.put("title", title.strip());
        body.put("preset", preset);
        body.set("axes", AxesText.parse(axesText));
        ObjectNode s = body.putObject("seeds");
        if (seeds == null) s.putNull("count");
        else s.put("count", seeds);
        return body;
    }
}
