package lab.grokking.core.task;

/**
 * How the run view shows the net beside its early and late predictors.
 *
 * @param kind        COORDINATES: the largest coordinates of a vector snapshot beside the predictors'; HEATMAP: a d×d
 *                    matrix snapshot beside the predictors'; CURVE: no snapshot, the reference is a chart series
 * @param netSnapshot name of the net's snapshots (null for CURVE); the predictors are the snapshots "early" and "late"
 * @param caption     what the panel shows, with "%d" for the snapshot's step (CURVE: the whole caption)
 */
public record PredictorView(Kind kind, String netSnapshot, String earlyLabel, String lateLabel, String caption) {
    public enum Kind {
        COORDINATES,
        HEATMAP,
        CURVE
    }

    /** The predictors are stored as snapshots of these names at step −1. */
    public static final String EARLY = "early", LATE = "late";
}
