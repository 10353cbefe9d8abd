package lab.grokking.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import lab.grokking.core.RunListener;

/**
 * Appends each evaluation row to metrics.csv as it is computed, so a long run's curve can be read (or
 * plotted) while it runs and survives a killed process; other events go to the delegate.
 */
final class CsvStream implements RunListener, AutoCloseable {
    private final Path file;
    private final RunListener delegate;
    private Writer out;

    CsvStream(Path file, RunListener delegate) {
        this.file = file;
        this.delegate = delegate;
    }

    @Override
    public void onStart(List<String> columns) {
        try {
            Files.createDirectories(file.toAbsolutePath().getParent());
            out = Files.newBufferedWriter(file);
            out.write(RunWriter.csvLine(columns.toArray(String[]::new)));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        delegate.onStart(columns);
    }

    @Override
    public void onEvaluation(double[] row) {
        try {
            out.write(RunWriter.csvLine(row));
            out.flush();
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + file, e);
        }
        delegate.onEvaluation(row);
    }

    @Override public void onProgress(long step, long totalSteps) { delegate.onProgress(step, totalSteps); }

    @Override public boolean cancelled() { return delegate.cancelled(); }

    @Override
    public void close() throws IOException {
        if (out != null) out.close();
    }
}
