package lab.grokking.web.sweep;

import com.fasterxml.jackson.databind.node.ArrayNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import lab.grokking.core.config.ConfigException;
import lab.grokking.core.config.ConfigException.Problem;
import lab.grokking.core.config.Configs;

/**
 * The sweep form's axes as typed, e.g. {@code alpha=10,30,100; weightDecay=1e-3..4e-3 x3 log}, into the "axes" object
 * of POST /api/sweeps: a list of values, or a range {@code from..to xCOUNT [log|linear]} (linear unless "log"). Only
 * the syntax is checked here; fields, ranges and limits are the sweep service's to judge, with its own messages.
 */
public final class AxesText {
    private static final Pattern AXIS = Pattern.compile("\\s*([A-Za-z_][A-Za-z0-9_]*)\\s*=\\s*(.+?)\\s*");
    private static final Pattern RANGE = Pattern.compile(
            "(\\S+?)\\s*\\.\\.\\s*(\\S+)\\s+x\\s*(\\d+)(?:\\s+(log|linear))?", Pattern.CASE_INSENSITIVE);

    private AxesText() {}

    public static ObjectNode parse(String text) {
        ObjectNode axes = Configs.JSON.createObjectNode();
        List<Problem> problems = new ArrayList<>();
        for (String part : (text == null ? "" : text).split(";")) {
            if (part.isBlank()) continue;
            Matcher m = AXIS.matcher(part);
            if (!m.matches()) {
                problems.add(
                        new Problem("axes", "\"" + part.strip() + "\" is not FIELD=VALUES (e.g. alpha=10,30,100)"));
                continue;
            }
            String field = m.group(1), values = m.group(2);
            if (axes.has(field)) {
                problems.add(new Problem("axes." + field, "given twice"));
                continue;
            }
            try {
                Matcher r = RANGE.matcher(values);
                if (r.matches()) {
                    ObjectNode range = axes.putObject(field);
                    range.put("from", number(r.group(1)));
                    range.put("to", number(r.group(2)));
                    range.put("count", Integer.parseInt(r.group(3)));
                    range.put(
                            "scale", r.group(4) == null ? "linear" : r.group(4).toLowerCase(Locale.ROOT));
                } else {
                    ArrayNode list = axes.putArray(field);
                    for (String v : values.split(",")) list.add(number(v.strip()));
                }
            } catch (NumberFormatException e) {
                axes.remove(field);
                problems.add(new Problem(
                        "axes." + field,
                        "\"" + values + "\" is neither a list of numbers (10,30,100) nor a range (1e-3..4e-3 x3 log)"));
            }
        }
        if (problems.isEmpty() && axes.isEmpty())
            problems.add(new Problem("axes", "give at least one axis, e.g. alpha=10,30,100"));
        if (!problems.isEmpty()) throw new ConfigException(problems);
        return axes;
    }

    private static double number(String s) {
        double v = Double.parseDouble(s);
        if (!Double.isFinite(v)) throw new NumberFormatException(s);
        return v;
    }
}
