package lab.grokking.cli;

import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.grokking.core.MetricTable;
import lab.grokking.core.RunListener;
import lab.grokking.core.Snapshot;

/**
 * Appends each evaluation row to metrics.csv, and each matrix snapshot W to snapshots.f32 (row-major
 * little-endian float32), as they are computed, so a long run can be read while it runs and survives a
 * killed process; other events go to the delegate.
 */
final class LiveOutput implements RunListener, AutoCloseable {
    private final Path dir;
    private final RunListener delegate;
    private Writer csv;
    private OutputStream snapshots;
    private final List<Long> snapshotSteps = new ArrayList<>();
    private int snapshotRows, snapshotCols;

    LiveOutput(Path dir, RunListener delegate) {
        this.dir = dir;
        this.delegate = delegate;
    }

    @Override
    public void onStart(List<String> columns) {
        try {
            csv = Files.newBufferedWriter(dir.resolve("metrics.csv"));
            csv.write(String.join(",", columns) + "\n");
            csv.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve("metrics.csv"), e);
        }
        delegate.onStart(columns);
    }

    @Override
    public void onEvaluation(double[] row) {
        try {
            csv.write(MetricTable.csvLine(row));
            csv.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve("metrics.csv"), e);
        }
        delegate.onEvaluation(row);
    }

    @Override
    public void onSnapshot(Snapshot s) {
        if (!s.name().equals("W")) return; // the fixed predictors are summarised in run.json
        try {
            if (snapshots == null)
                snapshots = new BufferedOutputStream(Files.newOutputStream(dir.resolve("snapshots.f32")));
            ByteBuffer buf =
                    ByteBuffer.allocate(s.values().length * Float.BYTES).order(ByteOrder.LITTLE_ENDIAN);
            for (float v : s.values()) buf.putFloat(v);
            snapshots.write(buf.array());
            snapshots.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + dir.resolve("snapshots.f32"), e);
        }
        snapshotSteps.add(s.step());
        snapshotRows = s.rows();
        snapshotCols = s.cols();
    }

    /** What run.json says of snapshots.f32 (null without snapshots). */
    Map<String, Object> snapshotsDescription() {
        if (snapshotSteps.isEmpty()) return null;
        Map<String, Object> m = new LinkedHashMap<>();
        m.put(
                "format",
                "W = UUᵀ − VVᵀ, " + snapshotRows + "×" + snapshotCols
                        + " row-major little-endian float32, one per step");
        m.put("file", "snapshots.f32");
        m.put("d", snapshotRows);
        m.put("steps", List.copyOf(snapshotSteps));
        return m;
    }

    @Override
    public void onProgress(long step, long totalSteps) {
        delegate.onProgress(step, totalSteps);
    }

    @Override
    public boolean cancelled() {
        return delegate.cancelled();
    }

    @Override
    public void close() throws IOException {
        try {
            if (csv != null) csv.close();
        } finally {
            if (snapshots != null) snapshots.close();
        }
    }
}
