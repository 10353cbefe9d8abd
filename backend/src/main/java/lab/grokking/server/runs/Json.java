package lab.grokking.server.runs;

import com.fasterxml.jackson.core.JsonGenerator;
import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.ObjectWriter;
import com.fasterxml.jackson.databind.SerializationFeature;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.util.LinkedHashMap;
import java.util.Map;
import lab.grokking.core.MetricTable;
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

    /** A generator writing compact JSON to {@code out} as {@link #write} would (closing it flushes, and leaves out open). */
    public static JsonGenerator generator(OutputStream out) {
        try {
            return COMPACT.createGenerator(out).disable(JsonGenerator.Feature.AUTO_CLOSE_TARGET);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** A JSON object in the given key order (Map.of's order changes between JVMs, and equal answers should be equal bytes). */
    public static Map<String, Object> obj(Object... keysAndValues) {
        Map<String, Object> m = new LinkedHashMap<>();
        for (int i = 0; i < keysAndValues.length; i += 2) m.put((String) keysAndValues[i], keysAndValues[i + 1]);
        return m;
    }

    /** A metric row as a JSON array, values as in CSV ({@link lab.grokking.core.MetricTable#format}), null for non-finite ones. */
    public static String row(double[] row) {
        StringBuilder b = new StringBuilder(row.length * 12).append('[');
        for (int i = 0; i < row.length; i++)
            b.append(i > 0 ? "," : "").append(Double.isFinite(row[i]) ? MetricTable.format(row[i]) : "null");
        return b.append(']').toString();
    }
}
