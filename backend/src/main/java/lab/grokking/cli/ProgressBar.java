package lab.grokking.cli;

import java.io.PrintStream;
import lab.grokking.core.RunListener;

/** Terminal progress with ETA: redrawn in place on a console; otherwise (logs, CI) a line per 10 % or per 30 s. */
final class ProgressBar implements RunListener {
    private final PrintStream out;
    private final boolean console;
    private final long start = System.nanoTime();
    private long lastDraw;
    private int lastDecile = -1;

    ProgressBar(PrintStream out) {
        this.out = out;
        this.console = System.console() != null;
    }

    @Override
    public void onProgress(long step, long total) {
        long now = System.nanoTime();
        double f = total == 0 ? 1 : (double) step / total;
        int decile = (int) (f * 10);
        if (console
                ? now - lastDraw < 200_000_000L && step < total
                : decile == lastDecile && now - lastDraw < 30_000_000_000L) return;
        lastDraw = now;
        lastDecile = decile;
        double elapsed = (now - start) / 1e9, eta = f > 0 ? elapsed * (1 - f) / f : Double.NaN;
        int width = 30, filled = (int) Math.round(f * width);
        String line = String.format(
                "[%s%s] %5.1f%% step %d/%d  elapsed %s  ETA %s",
                "#".repeat(filled),
                ".".repeat(width - filled),
                100 * f,
                step,
                total,
                duration(elapsed),
                Double.isNaN(eta) ? "?" : duration(eta));
        if (console) out.print("\r" + line + (step >= total ? "\n" : ""));
        else out.println(line);
        out.flush();
    }

    static String duration(double s) {
        long t = Math.round(s);
        return t >= 3600
                ? String.format("%dh%02dm", t / 3600, t / 60 % 60)
                : t >= 60 ? String.format("%dm%02ds", t / 60, t % 60) : t + "s";
    }
}
