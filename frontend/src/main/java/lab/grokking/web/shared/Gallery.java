package lab.grokking.web.shared;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import lab.grokking.core.config.ConfigException;
import lab.grokking.core.config.Configs;
import lab.grokking.core.config.Presets;
import lab.grokking.core.config.RunConfig;
import lab.grokking.core.task.Durations;
import lab.grokking.server.runs.RunService;

/** The home page's cards: presets grouped classroom first, each with its expected time here or why it cannot run. */
public final class Gallery {
    private Gallery() {}

    public record Card(
            String id,
            String figure,
            String title,
            String phenomenon,
            String description,
            String expected,
            String overLimits) {}

    /** The phenomenon each figure shows, in one line. */
    static final Map<String, String> PHENOMENA = Map.of(
            "fig1a",
                    "Grokking: the kernel (max-L2-margin) classifier memorises; after ln(α)/(λη) steps the sparse max-L1-margin one generalises.",
            "fig1b",
                    "Misgrokking: on large-L2-margin data the kernel classifier generalises, then the L1-margin one takes over and test accuracy falls.",
            "fig2a", "Modular addition: memorise first, generalise an order of magnitude later.",
            "fig2b", "A larger init scale α groks later, by about ln(10)/(λη) steps per ×10.",
            "fig2c", "A larger weight decay λ groks earlier (time ∝ 1/λ), until training collapses.",
            "fig3",
                    "Matrix completion: zero-fill first (test MSE on a plateau), then the min-nuclear-norm completion recovers the table.",
            "fig4", "No weight decay, loss-normalised steps: the net still groks, driven by its margin.");

    public record Section(String title, List<Card> cards) {}

    public static List<Section> sections(RunService runs) {
        List<Card> classroom = new ArrayList<>(), paper = new ArrayList<>();
        for (Presets.Preset p : Presets.all()) (p.scale().equals("classroom") ? classroom : paper).add(card(p, runs));
        return List.of(
                new Section("Classroom presets (seconds to minutes)", classroom),
                new Section("Paper figures (paper scale)", paper));
    }

    static String phenomenon(Presets.Preset p) {
        return PHENOMENA.getOrDefault(p.figure(), p.title());
    }

    static Card card(Presets.Preset p, RunService runs) {
        try {
            RunConfig rc = runs.parse(Configs.JSON.createObjectNode().put("preset", p.id()));
            double s = runs.estimatedSeconds(rc);
            return new Card(
                    p.id(),
                    p.figure(),
                    p.title(),
                    phenomenon(p),
                    p.description(),
                    s == 0 ? "Computed already: opens at once" : "About " + Durations.human(s) + " on this machine",
                    null);
        } catch (ConfigException e) {
            return new Card(
                    p.id(),
                    p.figure(),
                    p.title(),
                    phenomenon(p),
                    p.description(),
                    "Cannot run on this server",
                    "Over this server's limits: " + e.getMessage());
        }
    }
}
