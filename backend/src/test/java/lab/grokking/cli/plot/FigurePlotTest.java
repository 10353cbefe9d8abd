package lab.grokking.cli.plot;

import static org.junit.jupiter.api.Assertions.*;

import java.awt.Color;
import java.awt.Rectangle;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import javax.imageio.ImageIO;
import lab.grokking.core.MetricTable;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FigurePlotTest {
    static final double LAST = 2e6, TRANSITION = 3e5, ALPHA = 20, LAMBDA_ETA = Math.log(ALPHA) / TRANSITION;
    static final Color ORANGE = new Color(0xff7f0e), RED = new Color(0xd62728), GREY = new Color(0x7f7f7f);

    @TempDir
    Path dir;

    @BeforeAll
    static void headless() {
        System.setProperty("java.awt.headless", "true");
    }

    /** 0 and ~200 log-spaced integer steps up to 2e6. */
    static double[] steps() {
        List<Double> s = new ArrayList<>(List.of(0.0));
        for (int i = 0; i < 200; i++) {
            double v = Math.round(Math.pow(LAST, i / 199.0));
            if (v > s.getLast()) s.add(v);
        }
        return s.stream().mapToDouble(Double::doubleValue).toArray();
    }

    static double sigmoid(double z) {
        return 1 / (1 + Math.exp(-z));
    }

    static double norm(double k) {
        return ALPHA * Math.exp(-LAMBDA_ETA * k) + 3;
    }

    static MetricTable classification(boolean kernel) {
        List<String> cols =
                new ArrayList<>(List.of("step", "train_acc", "test_acc", "train_loss", "test_loss", "norm"));
        if (kernel) cols.add("kernel_norm");
        MetricTable t = new MetricTable(cols);
        for (double k : steps()) {
            double lk = Math.log10(Math.max(k, 1));
            double train = 0.5 + 0.5 * sigmoid((lk - 1.5) * 6),
                    test = 0.5 + 0.5 * sigmoid((lk - Math.log10(TRANSITION)) * 8);
            double[] row = {
                k,
                train,
                test,
                0.7 * (1.5 - train) * 2,
                0.7 * (1.5 - test) * 2 + 0.3 * Math.exp(-Math.pow(lk - 4, 2)),
                norm(k)
            };
            if (kernel) row = append(row, ALPHA * Math.exp(-LAMBDA_ETA * k));
            t.add(row);
        }
        return t;
    }

    static MetricTable regression() {
        MetricTable t = new MetricTable(List.of("step", "train_mse", "test_mse", "norm", "kernel_norm"));
        for (double k : steps()) {
            double lk = Math.log10(Math.max(k, 1));
            t.add(new double[] {
                k,
                Math.exp(-k / 100.0),
                1 - 0.95 * sigmoid((lk - Math.log10(TRANSITION)) * 8),
                norm(k),
                ALPHA * Math.exp(-LAMBDA_ETA * k)
            });
        }
        return t;
    }

    static double[] append(double[] a, double v) {
        double[] b = Arrays.copyOf(a, a.length + 1);
        b[a.length] = v;
        return b;
    }

    /** Expected x pixel of a step, computed independently of the renderer: u ∈ [−1, log10 LAST], 2 % padding. */
    static int xOf(Rectangle r, double step) {
        double uMax = Math.log10(LAST), pad = 0.02 * (uMax + 1), u = step < 1 ? step - 1 : Math.log10(step);
        return (int) Math.round(r.x + (u + 1 + pad) / (uMax + 1 + 2 * pad) * r.width);
    }

    static boolean near(int rgb, Color c, int tol) {
        Color p = new Color(rgb);
        return Math.abs(p.getRed() - c.getRed()) <= tol
                && Math.abs(p.getGreen() - c.getGreen()) <= tol
                && Math.abs(p.getBlue() - c.getBlue()) <= tol;
    }

    /** Whether a pixel of colour c lies in columns [x0, x1] at heights between fractions f0 and f1 of the panel (0 = bottom). */
    static boolean has(BufferedImage img, Rectangle r, int x0, int x1, double f0, double f1, Color c) {
        int yTop = (int) (r.y + (1 - f1) * r.height), yBottom = (int) (r.y + (1 - f0) * r.height);
        for (int x = x0; x <= x1; x++)
            for (int y = yTop; y <= yBottom; y++) if (near(img.getRGB(x, y), c, 40)) return true;
        return false;
    }

    static int columnsWith(BufferedImage img, Rectangle r, Color c) {
        int n = 0;
        for (int x = r.x + 2; x < r.x + r.width - 2; x++) if (has(img, r, x, x, 0.01, 0.99, c)) n++;
        return n;
    }

    @Test
    void classificationFigureHasTheRightShape() throws IOException {
        Path png = dir.resolve("sub/cls.png");
        FigurePlot.writePng(classification(false), "modular addition, α = 20", TRANSITION, png);
        byte[] bytes = Files.readAllBytes(png);
        assertArrayEquals(new byte[] {(byte) 0x89, 'P', 'N', 'G', '\r', '\n', 0x1a, '\n'}, Arrays.copyOf(bytes, 8));
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(1200, img.getWidth());
        assertEquals(900, img.getHeight());

        Rectangle[] p = FigurePlot.panels(2);
        Rectangle top = p[0], bottom = p[1];
        // y range is 40–100 %: 50 % lies ~1/6 above the bottom, 100 % at the top
        int early = xOf(top, 1e4), late = xOf(top, LAST);
        assertTrue(
                has(img, top, top.x + top.width / 20, top.x + top.width / 4, 0.08, 0.26, ORANGE),
                "test acc ≈ 50 % on the left");
        assertTrue(has(img, top, early - 4, early + 4, 0.08, 0.26, ORANGE), "test acc still ≈ 50 % at step 1e4");
        assertFalse(has(img, top, early - 4, early + 4, 0.5, 1.0, ORANGE), "no test acc high at step 1e4");
        assertTrue(has(img, top, late - 12, late - 4, 0.9, 1.0, ORANGE), "test acc ≈ 100 % at the end");
        assertFalse(has(img, top, late - 12, late - 4, 0.0, 0.5, ORANGE), "no test acc low at the end");

        // the dashed norm runs across the loss panel, far more columns than its legend sample
        assertTrue(columnsWith(img, bottom, RED) > bottom.width * 0.4, "red dashed norm curve drawn");
        assertEquals(0, columnsWith(img, top, RED), "norm only in the loss panel");
        // grey dashed transition marker: a column at step 3e5, dense in grey in both panels
        int mx = xOf(top, TRANSITION);
        for (Rectangle r : p) {
            int best = 0;
            for (int x = mx - 3; x <= mx + 3; x++) {
                int n = 0;
                for (int y = r.y + 1; y < r.y + r.height; y++) if (near(img.getRGB(x, y), GREY, 25)) n++;
                best = Math.max(best, n);
            }
            assertTrue(best > r.height / 4, "transition marker at step 3e5");
        }
    }

    @Test
    void kernelCurveAddsRedPixels() {
        Rectangle bottom = FigurePlot.panels(2)[1];
        assertTrue(
                redPixels(FigurePlot.render(classification(true), "k", TRANSITION), bottom)
                        > redPixels(FigurePlot.render(classification(false), "k", TRANSITION), bottom) + 50,
                "dotted kernel-regime curve drawn");
    }

    static int redPixels(BufferedImage img, Rectangle r) {
        int n = 0;
        for (int x = r.x; x < r.x + r.width; x++)
            for (int y = r.y; y < r.y + r.height; y++) if (near(img.getRGB(x, y), RED, 40)) n++;
        return n;
    }

    @Test
    void regressionFigureIsOnePanel() throws IOException {
        Path png = dir.resolve("reg.png");
        FigurePlot.writePng(regression(), "sparse linear regression", TRANSITION, png);
        BufferedImage img = ImageIO.read(png.toFile());
        assertEquals(1200, img.getWidth());
        assertEquals(600, img.getHeight());
        Rectangle r = FigurePlot.panels(1)[0];
        int late = xOf(r, LAST), early = xOf(r, 1e3);
        // test MSE falls from ≈1 to ≈0.05 after the transition (y axis 0 → 1)
        assertTrue(has(img, r, early - 4, early + 4, 0.85, 1.0, ORANGE), "test MSE high before the transition");
        assertTrue(has(img, r, late - 12, late - 4, 0.0, 0.12, ORANGE), "test MSE low at the end");
        assertTrue(columnsWith(img, r, RED) > r.width * 0.4, "red norm curve drawn");
    }

    @Test
    void nanIsAGap() {
        MetricTable src = classification(false), t = new MetricTable(src.columns());
        int testAcc = src.columnIndex("test_acc");
        for (double[] row : src.rows()) {
            if (row[0] >= 100 && row[0] <= 1000) row[testAcc] = Double.NaN;
            if (row[0] == 0) row[src.columnIndex("norm")] = Double.NaN;
            t.add(row);
        }
        BufferedImage img = FigurePlot.render(t, "gap", TRANSITION);
        Rectangle top = FigurePlot.panels(2)[0];
        assertFalse(has(img, top, xOf(top, 150), xOf(top, 700), 0.0, 1.0, ORANGE), "no test curve across the NaN gap");
        assertTrue(has(img, top, xOf(top, 20) - 3, xOf(top, 20) + 3, 0.08, 0.26, ORANGE), "curve before the gap");
    }

    @Test
    void degenerateTablesRender() throws IOException {
        MetricTable empty =
                new MetricTable(List.of("step", "train_acc", "test_acc", "train_loss", "test_loss", "norm"));
        assertEquals(900, FigurePlot.render(empty, "empty", Double.NaN).getHeight());
        MetricTable one = new MetricTable(List.of("step", "train_mse", "test_mse", "norm"));
        one.add(new double[] {0, 1, Double.NaN, 5});
        assertEquals(600, FigurePlot.render(one, null, 0).getHeight());
        MetricTable nans = new MetricTable(List.of("step", "train_acc", "test_acc"));
        nans.add(new double[] {0, Double.NaN, Double.NaN});
        nans.add(new double[] {10, Double.NaN, 0.5});
        FigurePlot.writePng(nans, "", Double.POSITIVE_INFINITY, dir.resolve("nan.png"));
        assertNotNull(ImageIO.read(dir.resolve("nan.png").toFile()));
        // a far-away transition (beyond the axis) is simply not drawn
        assertEquals(600, FigurePlot.render(regression(), "far", 1e30).getHeight());
    }
}
