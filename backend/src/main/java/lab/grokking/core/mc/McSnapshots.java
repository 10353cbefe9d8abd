package lab.grokking.core.mc;

import com.fasterxml.jackson.annotation.JsonValue;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * W as float32 at about {@value McTask#SNAPSHOTS} log-spaced steps, for heatmap views. Held in the run's summary
 * under "snapshots"; as JSON it shows only its shape (d, steps), so run.json stays small; a writer that
 * wants the matrices reads {@link #list()}.
 */
public final class McSnapshots {
    /** W at one step, d×d row-major float32. */
    public record Snapshot(long step, float[] w) {}

    private final int d;
    private final List<Snapshot> list = new ArrayList<>();

    McSnapshots(int d) { this.d = d; }

    void add(long step, double[] w) {
        float[] f = new float[w.length];
        for (int i = 0; i < w.length; i++) f[i] = (float) w[i];
        list.add(new Snapshot(step, f));
    }

    public int d() { return d; }

    public List<Snapshot> list() { return List.copyOf(list); }

    @JsonValue
    public Map<String, Object> describe() {
        Map<String, Object> m = new LinkedHashMap<>();
        m.put("format", "W = UUᵀ − VVᵀ, d×d row-major float32");
        m.put("file", "snapshots.f32");
        m.put("d", d);
        m.put("steps", list.stream().map(Snapshot::step).toList());
        return m;
    }
}
