package lab.grokking.cli;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import lab.grokking.cli.plot.FigurePlot;
import lab.grokking.core.MetricTable;
import lab.grokking.core.config.Configs;
import lab.grokking.core.config.RunConfig;

/** The overlay of a series figure (Fig. 2b, 2c): one figure.png and a series.csv of milestones over the member runs. */
final class SeriesOutput {
    private SeriesOutput() {}

    /** Each member named by the config fields that differ across the series, e.g. "alpha=10". */
    static List<String> labels(List<RunConfig> configs) {
        List<ObjectNode> trees = configs.stream().map(Configs::toTree).toList();
        List<String> differ = new ArrayList<>();
        trees.getFirst().fieldNames().forEachRemaining(f -> {
            if (trees.stream().anyMatch(t -> !t.get(f).equals(trees.getFirst().get(f)))) differ.add(f);
        });
        List<String> out = new ArrayList<>();
        for (var t : trees) {
            List<String> parts = new ArrayList<>();
            for (String f : differ) parts.add(symbol(f) + " = " + t.get(f).asText());
            out.add(parts.isEmpty() ? "run " + (out.size() + 1) : String.join(", ", parts));
        }
        return out;
    }

    private static String symbol(String field) {
        return switch (field) {
            case "alpha" -> "α";
            case "weightDecay" -> "λ";
            case "lr" -> "η";
            default -> field;
        };
    }

    /** A member's metrics.csv back as a table (empty cells are NaN). */
    static MetricTable read(Path dir) throws IOException {
        List<String> lines = Files.readAllLines(dir.resolve("metrics.csv"));
        MetricTable t = new MetricTable(Arrays.asList(lines.getFirst().split(",", -1)));
        for (String line : lines.subList(1, lines.size())) {
            String[] cells = line.split(",", -1);
            double[] row = new double[cells.length];
            for (int i = 0; i < cells.length; i++)
                row[i] = cells[i].isEmpty() ? Double.NaN : Double.parseDouble(cells[i]);
            t.add(row);
        }
        return t;
    }

    static void write(Path dir, String title, List<String> labels, List<MetricTable> tables, PrintWriter err)
            throws IOException {
        StringBuilder csv = new StringBuilder(
                "member,memorised_step,test_acc_50_step,test_acc_95_step,final_train_acc,final_test_acc,final_norm\n");
        for (int i = 0; i < tables.size(); i++) {
            MetricTable t = tables.get(i);
            String row = String.format(
                    Locale.ROOT,
                    "\"%s\",%s,%s,%s,%s,%s,%s",
                    labels.get(i),
                    first(t, "train_acc", 1.0),
                    first(t, "test_acc", 0.5),
                    first(t, "test_acc", 0.95),
                    last(t, "train_acc"),
                    last(t, "test_acc"),
                    last(t, "norm"));
            csv.append(row).append('\n');
            err.println("  " + row);
        }
        Files.writeString(dir.resolve("series.csv"), csv);
        FigurePlot.writeSeriesPng(tables, labels, title, dir.resolve("figure.png"));
        err.println("wrote " + dir.resolve("series.csv") + ", figure.png");
    }

    private static String first(MetricTable t, String column, double level) {
        if (!t.columns().contains(column)) return "";
        double[] s = t.column("step"), v = t.column(column);
        for (int i = 0; i < s.length; i++) if (v[i] >= level) return Long.toString((long) s[i]);
        return "";
    }

    private static String last(MetricTable t, String column) {
        if (!t.columns().contains(column) || t.size() == 0) return "";
        double[] v = t.column(column);
        return MetricTable.format(v[v.length - 1]);
    }
}
