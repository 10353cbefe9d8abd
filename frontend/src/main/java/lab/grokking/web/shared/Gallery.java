package lab.grokking.web.shared;

import java.util.ArrayList;
import java.util.List;
import lab.grokking.core.config.ConfigException;
import lab.grokking.core.config.Configs;
import lab.grokking.core.config.Presets;
import lab.grokking.core.config.RunConfig;
import lab.grokking.server.runs.RunService;

/** The home page's cards: presets grouped classroom first, each with its expected time here or why it cannot run. */
public final class Gallery {
    private Gallery() {}

    public record Card(String id, String figure, String title, String description, String expected, String overLimits) {}

    public record Section(String title, List<Card> cards) {}

    public static List<Section> sections(RunService runs) {
        List<Card> classroom = new ArrayList<>(), paper = new ArrayList<>();
        for (Presets.Preset p : Presets.all()) (p.scale().equals("classroom") ? classroom : paper).add(card(p, runs));
        return List.of(new Section("Classroom presets (seconds to minutes)", classroom), new Section("Paper figures (paper scale)", paper));
    }

    static Card card(Presets.Preset p, RunService runs) {
        try {
            RunConfig rc = runs.parse(Configs.merge(Configs.JSON.createObjectNode().put("preset", p.id()), Configs.JSON.createObjectNode()));
            double s = runs.estimatedSeconds(rc);
            return new Card(p.id(), p.figure(), p.title(), p.description(), s == 0 ? "Computed already: opens at once" : "About " + Durations.human(s) + " on this machine", null);
        } catch (ConfigException e) {
            return new Card(p.id(), p.figure(), p.title(), p.description(), "Cannot run on this server",
                    "Over this server's limits: " + e.getMessage());
        }
    }
}
