package lab.grokking.server.cluster;

import java.util.ArrayList;
import java.util.List;

/**
 * One change of a run's live state, as the member training it publishes it on the run's feed: the rows computed since
 * its previous event (flattened, {@code width} values each, with the epoch milliseconds each was computed), the
 * progress step and the status, message and columns (sent whole every time: an event stands on its own). Compact
 * serialization carries it (a record, not Serializable).
 *
 * @param afterStep the step of the last row the publisher sent before these ({@link #NO_ROW}: none); a follower holding
 *     fewer rows than that missed some and reads them from the store
 */
@SuppressWarnings("ArrayRecordComponent") // compact serialization carries primitive arrays, not lists of arrays
public record FeedEvent(
        long afterStep,
        int width,
        double[] rows,
        double[] computedAt,
        long progressStep,
        String status,
        String message,
        String[] columns) {
    /** The step that stands for "no row yet" (rows' steps are ≥ 0). */
    public static final long NO_ROW = Long.MIN_VALUE;

    public FeedEvent {
        if (width < 0 || rows.length != (long) width * computedAt.length)
            throw new IllegalArgumentException(
                    rows.length + " values are not " + computedAt.length + " rows of " + width);
    }

    /** An event carrying {@code rowList} (each row the same length, step first). */
    public static FeedEvent of(
            long afterStep,
            List<double[]> rowList,
            double[] computedAt,
            long progressStep,
            String status,
            String message,
            List<String> columns) {
        int width = rowList.isEmpty() ? 0 : rowList.getFirst().length;
        double[] flat = new double[rowList.size() * width];
        for (int i = 0; i < rowList.size(); i++) System.arraycopy(rowList.get(i), 0, flat, i * width, width);
        String[] cols = columns == null ? null : columns.toArray(String[]::new);
        return new FeedEvent(afterStep, width, flat, computedAt, progressStep, status, message, cols);
    }

    /** The rows, each a fresh array. */
    public List<double[]> rowList() {
        List<double[]> out = new ArrayList<>(computedAt.length);
        for (int i = 0; i < computedAt.length; i++) {
            double[] r = new double[width];
            System.arraycopy(rows, i * width, r, 0, width);
            out.add(r);
        }
        return out;
    }

    /** The columns (null: not known yet, the run has not started). */
    public List<String> columnList() {
        return columns == null ? null : List.of(columns);
    }
}
