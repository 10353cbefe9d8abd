package lab.grokking.server.runs;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import lab.grokking.core.config.Configs;

/** Compact JSON for API bodies and stream messages. Non-finite metric values become null (JSON has no NaN). */
public final class Json {
    private static final ObjectWriter COMPACT = Configs.JSON.writer().without(SerializationFeature.INDENT_OUTPUT);

    private Json() {}

    public static String write(Object o) {
        try {
            return COMPACT.writeValueAsString(o);
        } catch (JsonProcessingException e) {
            throw new IllegalStateException("cannot write JSON: " + e.getMessage(), e);
        }
    }

    /** A JSON object in the given key order (Map.of's order changes between JVMs, and equal answers should be equal bytes). */
    public static java.util.Map<String, Object> obj(Object... keysAndValues) {
        java.util.Map<String, Object> m = new java.util.LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        return m;
    }

    /** A metric row as a JSON array; doubles in shortest round-trip form, so clients get the exact values. */
    public static String row(double[] row) {
        StringBuilder b = new StringBuilder(row.length * 12).append('[');
        for (int i = 0; i < row.length; i++) {
            if (i > 0) b.append(',');
            double v = row[i];
            if (!Double.isFinite(v)) b.append("null");
            else if (v == Math.rint(v) && Math.abs(v) < 1e15) b.append((long) v);
            else b.append(v);
        }
        return b.append(']').toString();
    }
}
