package lab.grokking.cli;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashMap;
import java.util.Map;
import lab.grokking.cli.plot.FigurePlot;
import lab.grokking.core.RunResult;
import lab.grokking.core.config.Configs;

/**
 * Writes a run's run.json (provenance, config, status, summary, the description of snapshots.f32) and
 * figure.png; {@link LiveOutput} wrote metrics.csv and snapshots.f32 while it ran.
 */
public final class RunWriter {
    private RunWriter() {}

    /** Writes run.json and figure.png; {@code snapshots} describes snapshots.f32 (null: none). */
    public static void write(RunResult r, String title, Path dir, Map<String, Object> snapshots) throws IOException {
        Files.createDirectories(dir);
        Map<String, Object> doc = new LinkedHashMap<>();
        doc.put("status", r.status());
        doc.put("message", r.message());
        doc.put("provenance", r.provenance().describe()); // fixed key order: equal runs give equal files
        doc.put("summary", r.summary());
        if (snapshots != null) doc.put("snapshots", snapshots);
        doc.put("columns", r.metrics().columns());
        doc.put("rows", r.metrics().rows().stream().map(RunWriter::jsonRow).toList());
        Configs.JSON.writeValue(dir.resolve("run.json").toFile(), doc);
        Object transition = r.summary().get("transition_step");
        FigurePlot.writePng(
                r.metrics(),
                title,
                transition instanceof Number t ? t.doubleValue() : Double.NaN,
                dir.resolve("figure.png"));
    }

    private static Object[] jsonRow(double[] row) {
        Object[] o = new Object[row.length];
        for (int c = 0; c < row.length; c++) o[c] = Double.isFinite(row[c]) ? row[c] : null;
        return o;
    }
}
