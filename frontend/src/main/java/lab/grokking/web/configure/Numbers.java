package lab.grokking.web.configure;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.math.BigDecimal;

/** Form text to JSON: integers stay integers, decimals become numbers, anything else stays text for the server to reject by name. */
final class Numbers {
    private Numbers() {}

    static void put(ObjectNode doc, String field, String text) {
        String t = text == null ? "" : text.strip();
        if (t.isEmpty()) {
            doc.putNull(field);
            return;
        }
        try {
            BigDecimal v = new BigDecimal(t);
            if (v.signum() == 0
                    || v.stripTrailingZeros().scale() <= 0
                            && v.abs().compareTo(BigDecimal.valueOf(Long.MAX_VALUE)) <= 0)
                doc.put(field, v.longValueExact()); // 1e5 steps is the integer 100000
            else doc.put(field, v.doubleValue());
        } catch (NumberFormatException | ArithmeticException e) {
            doc.put(field, t);
        }
    }
}
