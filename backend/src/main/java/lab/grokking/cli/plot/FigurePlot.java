package lab.grokking.cli.plot;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.FontMetrics;
import java.awt.Graphics2D;
import java.awt.Rectangle;
import java.awt.RenderingHints;
import java.awt.Shape;
import java.awt.Stroke;
import java.awt.geom.AffineTransform;
import java.awt.geom.Ellipse2D;
import java.awt.geom.Line2D;
import java.awt.geom.Path2D;
import java.awt.geom.Point2D;
import java.awt.geom.Rectangle2D;
import java.awt.geom.RoundRectangle2D;
import java.awt.image.BufferedImage;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import lab.grokking.core.MetricTable;

/**
 * Training-curve figure in the layout of Lyu et al. (ICLR 2024), Fig. 1/3: log step axis with a "0" tick,
 * train (blue) / test (orange) curves, the L² parameter norm (red dashed) on a right axis and a marker at the
 * predicted transition step ln α/(λη). Classification runs get accuracy over loss; regression runs one MSE panel.
 */
public final class FigurePlot {
    static {
        // the CLI may run on machines without a display; only set it when the caller has not decided
        if (System.getProperty("java.awt.headless") == null) System.setProperty("java.awt.headless", "true");
    }

    static final int WIDTH = 1200, LEFT = 100, RIGHT = 110, TOP = 74, BOTTOM = 66, GAP = 22;
    static final Color BLUE = new Color(0x1f77b4),
            ORANGE = new Color(0xff7f0e),
            RED = new Color(0xd62728),
            GREY = new Color(0x7f7f7f),
            GRID = new Color(0xececec);
    private static final Stroke SOLID = new BasicStroke(2.2f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND),
            DASHED = new BasicStroke(2.2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {9f, 5f}, 0f),
            DOTTED =
                    new BasicStroke(
                            1.4f, BasicStroke.CAP_ROUND, BasicStroke.JOIN_ROUND, 10f, new float[] {0.1f, 4f}, 0f),
            MARKER = new BasicStroke(1.5f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_MITER, 10f, new float[] {6f, 5f}, 0f),
            THIN = new BasicStroke(1f);
    private static final Font TITLE = font(19), LABEL = font(16), TICK = font(14), SMALL = font(13);

    private FigurePlot() {}

    /** Renders the paper-layout figure of a run to a PNG file (1200×900 px for two panels, 1200×600 for one). */
    public static void writePng(MetricTable table, String title, double transitionStep, Path png) throws IOException {
        BufferedImage img = render(table, title, transitionStep);
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        try (OutputStream out = Files.newOutputStream(png)) {
            if (!ImageIO.write(img, "png", out)) throw new IOException("no PNG writer available");
        }
    }

    public static BufferedImage render(MetricTable table, String title, double transitionStep) {
        boolean classification = table.columns().contains("train_acc");
        Rectangle[] panels = panels(classification ? 2 : 1);
        BufferedImage img = new BufferedImage(WIDTH, classification ? 900 : 600, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_STROKE_CONTROL, RenderingHints.VALUE_STROKE_PURE);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            if (title != null && !title.isBlank()) {
                g.setColor(Color.BLACK);
                g.setFont(TITLE);
                text(g, title, WIDTH / 2.0, 28, 0.5, 0.5);
            }
            // without weight decay (Fig. 4) the paper's x-axis is log₁₀(1 + t) of the continuous time, on a log scale
            boolean byTime = table.columns().contains("log10_time")
                    && table.columns().contains("transition_step")
                    && table.size() > 0
                    && !Double.isFinite(table.column("transition_step")[0]);
            double[] steps = table.column(byTime ? "log10_time" : "step");
            double trans = transitionStep > 0 && Double.isFinite(transitionStep) ? transitionStep : Double.NaN;
            XAxis x = XAxis.of(steps, trans);
            List<Series> norm = new ArrayList<>();
            add(norm, table, "norm", "L² parameter norm", RED, DASHED, 1);
            add(norm, table, "kernel_norm", "kernel regime α·exp(−ληk)", RED, DOTTED, 1);
            YAxis normAxis = norm.isEmpty() ? null : YAxis.fromZero(norm, false);
            if (classification) {
                List<Series> acc = new ArrayList<>(), loss = new ArrayList<>();
                add(acc, table, "train_acc", "train", BLUE, SOLID, 100);
                add(acc, table, "test_acc", "test", ORANGE, SOLID, 100);
                add(acc, table, "kernel_test_acc", "test, kernel (random-features) predictor", GREY, DOTTED, 100);
                add(loss, table, "train_loss", "train", BLUE, SOLID, 1);
                add(loss, table, "test_loss", "test", ORANGE, SOLID, 1);
                double[] a = acc.stream()
                        .flatMapToDouble(s -> Arrays.stream(s.y))
                        .filter(Double::isFinite)
                        .toArray();
                boolean high = a.length > 0 && Arrays.stream(a).allMatch(v -> v >= 40);
                YAxis accAxis = high ? new YAxis(40, 100, 10) : new YAxis(0, 100, 20);
                new Panel(panels[0], x, steps, "accuracy (%)", accAxis, acc, null, List.of(), trans, "step")
                        .draw(g, false, true);
                new Panel(
                                panels[1],
                                x,
                                steps,
                                "loss",
                                YAxis.fromZero(loss, true),
                                loss,
                                normAxis,
                                norm,
                                trans,
                                byTime ? "log₁₀(1 + t)" : "step")
                        .draw(g, true, false);
            } else {
                List<Series> mse = new ArrayList<>();
                add(mse, table, "train_mse", "train", BLUE, SOLID, 1);
                add(mse, table, "test_mse", "test", ORANGE, SOLID, 1);
                new Panel(panels[0], x, steps, "MSE", YAxis.fromZero(mse, true), mse, normAxis, norm, trans, "step")
                        .draw(g, true, true);
            }
        } finally {
            g.dispose();
        }
        return img;
    }

    private static final Stroke[] MEMBER = {
        DOTTED,
        new BasicStroke(2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {9f, 4f, 2f, 4f}, 0f),
        SOLID,
        DASHED,
        new BasicStroke(
                2f, BasicStroke.CAP_BUTT, BasicStroke.JOIN_ROUND, 10f, new float[] {14f, 4f, 2f, 4f, 2f, 4f}, 0f)
    };

    /**
     * A series figure (Fig. 2b over α, Fig. 2c over λ): train (blue) and test (orange) accuracy of every member over
     * one step axis, a line style per member; below, log₁₀ of each member's L² parameter norm (red).
     */
    public static void writeSeriesPng(List<MetricTable> tables, List<String> labels, String title, Path png)
            throws IOException {
        double[] steps = tables.stream()
                .map(t -> t.column("step"))
                .max(Comparator.comparingInt(a -> a.length))
                .orElse(new double[0]);
        Rectangle[] panels = panels(2);
        BufferedImage img = new BufferedImage(WIDTH, 900, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        try {
            g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
            g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
            g.setColor(Color.WHITE);
            g.fillRect(0, 0, img.getWidth(), img.getHeight());
            g.setColor(Color.BLACK);
            g.setFont(TITLE);
            text(g, title, WIDTH / 2.0, 28, 0.5, 0.5);
            List<Series> acc = new ArrayList<>(), norm = new ArrayList<>();
            for (int i = 0; i < tables.size(); i++) {
                MetricTable t = tables.get(i);
                Stroke st = MEMBER[i % MEMBER.length];
                acc.add(new Series(
                        "train, " + labels.get(i), padded(t, "train_acc", steps.length, 100, false), BLUE, st));
                acc.add(new Series(
                        "test, " + labels.get(i), padded(t, "test_acc", steps.length, 100, false), ORANGE, st));
                norm.add(new Series("log₁₀ norm, " + labels.get(i), padded(t, "norm", steps.length, 1, true), RED, st));
            }
            XAxis x = XAxis.of(steps, Double.NaN);
            new Panel(
                            panels[0],
                            x,
                            steps,
                            "accuracy (%)",
                            new YAxis(0, 100, 20),
                            acc,
                            null,
                            List.of(),
                            Double.NaN,
                            "step")
                    .draw(g, false, false);
            double top = Math.ceil(norm.stream()
                    .flatMapToDouble(s -> Arrays.stream(s.y))
                    .filter(Double::isFinite)
                    .max()
                    .orElse(1));
            new Panel(
                            panels[1],
                            x,
                            steps,
                            "log₁₀ L² parameter norm",
                            new YAxis(Math.min(0, top - 4), Math.max(top, 1), 1),
                            norm,
                            null,
                            List.of(),
                            Double.NaN,
                            "step")
                    .draw(g, true, false);
        } finally {
            g.dispose();
        }
        Path parent = png.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        try (OutputStream out = Files.newOutputStream(png)) {
            if (!ImageIO.write(img, "png", out)) throw new IOException("no PNG writer available");
        }
    }

    /** A column scaled (or log₁₀ of it), padded with NaN to length n (members share the evaluation schedule). */
    private static double[] padded(MetricTable t, String column, int n, double scale, boolean log) {
        double[] out = new double[n];
        Arrays.fill(out, Double.NaN);
        if (!t.columns().contains(column)) return out;
        double[] v = t.column(column);
        for (int i = 0; i < Math.min(n, v.length); i++) out[i] = log ? Math.log10(v[i]) : v[i] * scale;
        return out;
    }

    /** Plot areas (inside the frames), top to bottom. */
    static Rectangle[] panels(int n) {
        int h = n == 2 ? (900 - TOP - BOTTOM - GAP) / 2 : 600 - TOP - BOTTOM, w = WIDTH - LEFT - RIGHT;
        return n == 2
                ? new Rectangle[] {new Rectangle(LEFT, TOP, w, h), new Rectangle(LEFT, TOP + h + GAP, w, h)}
                : new Rectangle[] {new Rectangle(LEFT, TOP, w, h)};
    }

    record Series(String label, double[] y, Color color, Stroke stroke) {}

    private static void add(
            List<Series> to, MetricTable t, String column, String label, Color c, Stroke s, double scale) {
        if (!t.columns().contains(column)) return;
        double[] y = t.column(column);
        for (int i = 0; i < y.length; i++) y[i] *= scale;
        to.add(new Series(label, y, c, s));
    }

    /** Symlog-like step axis: u = log10(step) for step ≥ 1 and step − 1 below, so step 0 sits one decade left of 10⁰. */
    record XAxis(double lo, double hi) {
        static double u(double step) {
            return step < 1 ? step - 1 : Math.log10(step);
        }

        static XAxis of(double[] steps, double trans) {
            double hi = 1;
            for (double s : steps) if (Double.isFinite(s)) hi = Math.max(hi, u(s));
            // a predicted transition shortly after the end of the run is still worth showing
            if (trans > 0 && u(trans) <= hi + 1) hi = Math.max(hi, u(trans));
            double pad = 0.02 * (hi + 1);
            return new XAxis(-1 - pad, hi + pad);
        }

        double pxU(Rectangle r, double u) {
            return r.x + (u - lo) / (hi - lo) * r.width;
        }

        double px(Rectangle r, double step) {
            return pxU(r, u(step));
        }
    }

    /** Linear axis with ticks lo, lo+tick, …, hi; 3 % headroom on both ends keeps curves at the limits off the frame. */
    record YAxis(double lo, double hi, double tick) {
        double px(Rectangle r, double v) {
            double pad = 0.03 * (hi - lo);
            return r.y + r.height * (1 - (v - lo + pad) / (hi - lo + 2 * pad));
        }

        /** 0 to a nice ceiling of the finite maximum; robust: ignore rare spikes above 3× the 95th percentile (they get clipped). */
        static YAxis fromZero(List<Series> series, boolean robust) {
            double[] f = series.stream()
                    .flatMapToDouble(s -> Arrays.stream(s.y))
                    .filter(Double::isFinite)
                    .sorted()
                    .toArray();
            double hi = f.length == 0 ? 1 : f[f.length - 1];
            if (robust && f.length > 0) {
                double q = f[(int) Math.floor(0.95 * (f.length - 1))];
                if (q > 0) hi = Math.min(hi, 3 * q);
            }
            if (!(hi > 0)) hi = 1;
            double raw = hi / 5, mag = Math.pow(10, Math.floor(Math.log10(raw))), m = raw / mag;
            double tick = (m <= 1 + 1e-9 ? 1 : m <= 2 + 1e-9 ? 2 : m <= 5 + 1e-9 ? 5 : 10) * mag;
            return new YAxis(0, Math.ceil(hi / tick - 1e-9) * tick, tick);
        }

        String label(double v) {
            if (Math.abs(v) >= 1e5) return String.format(Locale.ROOT, "%.2g", v);
            int decimals = (int) Math.max(0, Math.ceil(-Math.log10(tick) - 1e-9));
            return String.format(Locale.ROOT, "%." + decimals + "f", Math.abs(v) < tick * 1e-9 ? 0.0 : v);
        }

        int count() {
            return (int) Math.floor((hi - lo) / tick + 1e-6) + 1;
        }
    }

    private record Panel(
            Rectangle r,
            XAxis x,
            double[] steps,
            String yLabel,
            YAxis y,
            List<Series> left,
            YAxis ry,
            List<Series> right,
            double trans,
            String xLabel) {

        void draw(Graphics2D g, boolean xLabels, boolean markerLabel) {
            double decades = Math.floor(x.hi);
            // grid at major ticks, faint so the curves stay in front
            g.setColor(GRID);
            g.setStroke(THIN);
            for (int k = -1; k <= decades; k++) vline(g, x.pxU(r, k), r.y, r.y + r.height);
            for (int i = 0; i < y.count(); i++) hline(g, r.x, r.x + r.width, y.px(r, y.lo + i * y.tick));

            Shape clip = g.getClip();
            g.clip(r);
            List<List<Point2D>> all = new ArrayList<>();
            for (Series s : right) all.addAll(curve(g, s, ry)); // norm behind the train/test curves
            for (Series s : left) all.addAll(curve(g, s, y));
            g.setClip(clip);
            if (all.isEmpty()) {
                g.setColor(GREY);
                g.setFont(LABEL);
                text(g, "no data", r.getCenterX(), r.getCenterY(), 0.5, 0.5);
            }
            double mx = Double.isNaN(trans) ? Double.NaN : x.px(r, trans);
            boolean marker = mx >= r.x && mx <= r.x + r.width;
            if (marker) {
                g.setColor(GREY);
                g.setStroke(MARKER);
                vline(g, mx, r.y, r.y + r.height);
                all.add(List.of(new Point2D.Double(mx, r.y), new Point2D.Double(mx, r.y + r.height)));
                if (markerLabel) {
                    g.setFont(SMALL);
                    double w = g.getFontMetrics().stringWidth("ln α/(λη)");
                    text(g, "ln α/(λη)", Math.clamp(mx, r.x + w / 2, WIDTH - w / 2 - 4), r.y - 6, 0.5, 1);
                }
            }

            g.setColor(Color.BLACK);
            g.setStroke(THIN);
            g.draw(new Rectangle2D.Double(r.x, r.y, r.width, r.height));
            xTicks(g, xLabels);
            g.setFont(TICK);
            for (int i = 0; i < y.count(); i++) {
                double v = y.lo + i * y.tick, py = y.px(r, v);
                hline(g, r.x - 6, r.x, py);
                text(g, y.label(v), r.x - 9, py, 1, 0.5);
            }
            rotated(g, yLabel, r.x - 68, r.getCenterY(), Color.BLACK);
            if (ry != null) {
                g.setColor(Color.BLACK);
                g.setFont(TICK);
                for (int i = 0; i < ry.count(); i++) {
                    double v = ry.lo + i * ry.tick, py = ry.px(r, v);
                    hline(g, r.x + r.width, r.x + r.width + 6, py);
                    text(g, ry.label(v), r.x + r.width + 9, py, 0, 0.5);
                }
                rotated(
                        g,
                        right.isEmpty() || !right.getFirst().label.startsWith("log")
                                ? "L² parameter norm"
                                : "log₁₀ L² parameter norm",
                        r.x + r.width + 70,
                        r.getCenterY(),
                        RED);
            }
            if (xLabels) {
                g.setColor(Color.BLACK);
                g.setFont(LABEL);
                text(g, xLabel, r.getCenterX(), r.y + r.height + 44, 0.5, 0);
            }
            List<Series> entries = new ArrayList<>(left);
            entries.addAll(right);
            if (!entries.isEmpty()) legend(g, entries, all);
        }

        /** Draws one series as polylines broken at NaN; lone points become dots. Returns the screen polylines. */
        List<List<Point2D>> curve(Graphics2D g, Series s, YAxis axis) {
            List<List<Point2D>> runs = new ArrayList<>();
            List<Point2D> run = new ArrayList<>();
            for (int i = 0; i < Math.min(steps.length, s.y.length); i++) {
                if (Double.isFinite(steps[i]) && Double.isFinite(s.y[i])) {
                    run.add(new Point2D.Double(x.px(r, steps[i]), axis.px(r, s.y[i])));
                } else if (!run.isEmpty()) {
                    runs.add(run);
                    run = new ArrayList<>();
                }
            }
            if (!run.isEmpty()) runs.add(run);
            g.setColor(s.color);
            g.setStroke(s.stroke);
            for (List<Point2D> pts : runs) {
                if (pts.size() == 1) {
                    g.fill(new Ellipse2D.Double(
                            pts.getFirst().getX() - 3, pts.getFirst().getY() - 3, 6, 6));
                    continue;
                }
                Path2D.Double p = new Path2D.Double();
                p.moveTo(pts.getFirst().getX(), pts.getFirst().getY());
                for (Point2D q : pts.subList(1, pts.size())) p.lineTo(q.getX(), q.getY());
                g.draw(p);
            }
            return runs;
        }

        void xTicks(Graphics2D g, boolean labels) {
            int bottom = r.y + r.height;
            double perDecade = r.width / (x.hi - x.lo);
            int every = (int) Math.max(1, Math.ceil(48 / perDecade)); // thin labels on very long runs
            g.setFont(TICK);
            for (int k = -1; k <= Math.floor(x.hi); k++) {
                double px = x.pxU(r, k);
                vline(g, px, bottom, bottom + 6);
                for (int m = 2; m <= 9 && k >= 0; m++) {
                    double u = k + Math.log10(m);
                    if (u <= x.hi) vline(g, x.pxU(r, u), bottom, bottom + 3);
                }
                if (labels && k == -1) text(g, "0", px, bottom + 14, 0.5, 0); // baseline level with the 10ᵏ labels
                else if (labels && k % every == 0) pow10(g, k, px, bottom + 9);
            }
        }

        /** Legend in the candidate spot crossed by the fewest curve samples (matplotlib's "best"). */
        void legend(Graphics2D g, List<Series> entries, List<List<Point2D>> curves) {
            g.setFont(TICK);
            FontMetrics fm = g.getFontMetrics();
            int pad = 8, sample = 32, row = fm.getHeight() + 3, textW = 0;
            for (Series s : entries) textW = Math.max(textW, fm.stringWidth(s.label));
            int w = pad + sample + 8 + textW + pad, h = pad * 2 + row * entries.size() - 3, in = 10;
            int l = r.x + in, rr = r.x + r.width - in - w, t = r.y + in, b = r.y + r.height - in - h;
            int cx = r.x + (r.width - w) / 2, cy = r.y + (r.height - h) / 2;
            int[][] spots = {{rr, t}, {l, t}, {l, b}, {rr, b}, {rr, cy}, {l, cy}, {cx, b}, {cx, t}, {cx, cy}};
            List<Point2D> samples = new ArrayList<>();
            for (List<Point2D> c : curves) {
                samples.add(c.getFirst());
                for (int i = 1; i < c.size(); i++) {
                    Point2D a = c.get(i - 1), z = c.get(i);
                    int n = (int) Math.ceil(a.distance(z) / 3);
                    for (int j = 1; j <= n; j++)
                        samples.add(new Point2D.Double(
                                a.getX() + (z.getX() - a.getX()) * j / n, a.getY() + (z.getY() - a.getY()) * j / n));
                }
            }
            int[] best = spots[0];
            long bestHits = Long.MAX_VALUE;
            for (int[] s : spots) {
                Rectangle box = new Rectangle(s[0] - 4, s[1] - 4, w + 8, h + 8);
                long hits = samples.stream().filter(box::contains).count();
                if (hits < bestHits) {
                    bestHits = hits;
                    best = s;
                }
            }
            var box = new RoundRectangle2D.Double(best[0], best[1], w, h, 8, 8);
            g.setColor(new Color(255, 255, 255, 225));
            g.fill(box);
            g.setColor(new Color(0xcccccc));
            g.setStroke(THIN);
            g.draw(box);
            for (int i = 0; i < entries.size(); i++) {
                Series s = entries.get(i);
                double cyRow = best[1] + pad + row * i + (row - 3) / 2.0;
                g.setColor(s.color);
                g.setStroke(s.stroke);
                g.draw(new Line2D.Double(best[0] + pad, cyRow, best[0] + pad + sample, cyRow));
                g.setColor(Color.BLACK);
                text(g, s.label, best[0] + pad + sample + 8, cyRow, 0, 0.5);
            }
        }
    }

    private static Font font(int size) {
        return new Font(Font.SANS_SERIF, Font.PLAIN, size);
    }

    private static void vline(Graphics2D g, double x, double y0, double y1) {
        g.draw(new Line2D.Double(x, y0, x, y1));
    }

    private static void hline(Graphics2D g, double x0, double x1, double y) {
        g.draw(new Line2D.Double(x0, y, x1, y));
    }

    /** Draws s so that (x, y) lies at fraction (ax, ay) of its box (0,0 = top left, ay over ascent+descent). */
    private static void text(Graphics2D g, String s, double x, double y, double ax, double ay) {
        FontMetrics fm = g.getFontMetrics();
        double h = fm.getAscent() + fm.getDescent();
        g.drawString(s, (float) (x - ax * fm.stringWidth(s)), (float) (y - ay * h + fm.getAscent()));
    }

    /** Axis label centred at (x, y), reading bottom to top. */
    private static void rotated(Graphics2D g, String s, double x, double y, Color c) {
        AffineTransform saved = g.getTransform();
        g.rotate(-Math.PI / 2, x, y);
        g.setColor(c);
        g.setFont(LABEL);
        text(g, s, x, y, 0.5, 0.5);
        g.setTransform(saved);
    }

    /** "10" with a raised exponent, centred at x, top at y. */
    private static void pow10(Graphics2D g, int k, double x, double y) {
        Font base = g.getFont(), sup = base.deriveFont(base.getSize2D() * 0.72f);
        FontMetrics fb = g.getFontMetrics(base), fs = g.getFontMetrics(sup);
        String e = Integer.toString(k);
        double w = fb.stringWidth("10") + 1 + fs.stringWidth(e), x0 = x - w / 2, base0 = y + 5 + fb.getAscent();
        g.drawString("10", (float) x0, (float) base0);
        g.setFont(sup);
        g.drawString(e, (float) (x0 + fb.stringWidth("10") + 1), (float) (base0 - fb.getAscent() * 0.45));
        g.setFont(base);
    }
}
