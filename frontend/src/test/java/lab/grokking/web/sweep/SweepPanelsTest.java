package lab.grokking.web.sweep;

import static org.junit.jupiter.api.Assertions.*;

import java.util.List;
import lab.grokking.core.sweep.Outcome;
import org.junit.jupiter.api.Test;

/** The sweep pictures' choices as a class's axes grow: which fields span the diagram, how many law points are drawn. */
class SweepPanelsTest {
    @Test
    void theViewersAxesStayWhileTheyExistAndTheFirstFreeFieldsFillIn() {
        assertArrayEquals(new String[] {null, null}, SweepPanels.keep(List.of(), null, null), "no field varies yet");
        assertArrayEquals(new String[] {"alpha", null}, SweepPanels.keep(List.of("alpha"), null, null), "one row");
        assertArrayEquals(
                new String[] {"alpha", "weightDecay"},
                SweepPanels.keep(List.of("alpha", "weightDecay"), "alpha", null),
                "a second field becomes the rows");
        assertArrayEquals(
                new String[] {"lr", "alpha"},
                SweepPanels.keep(List.of("alpha", "weightDecay", "lr"), "lr", "alpha"),
                "the viewer's choice kept");
        assertArrayEquals(
                new String[] {"weightDecay", "alpha"},
                SweepPanels.keep(List.of("weightDecay", "alpha"), "lr", "alpha"),
                "a column gone: the first field not already the rows");
        assertArrayEquals(
                new String[] {"alpha", "weightDecay"},
                SweepPanels.keep(List.of("alpha", "weightDecay"), "alpha", "alpha"),
                "never one field twice");
    }

    @Test
    void theLawDrawsOnlyPointsWhereItIsDefined() {
        List<LawPlot.Point> points = List.of(
                new LawPlot.Point(10, 1e-3, 0.5, 5000, Outcome.GROKKED),
                new LawPlot.Point(1, 1e-3, 0.5, 5000, Outcome.GROKKED), // α = 1: no kernel phase to leave
                new LawPlot.Point(40, 0, 0.5, 5000, Outcome.GROKKED), // no weight decay
                new LawPlot.Point(120, 1e-3, 0.5, 9000, Outcome.MEMORISED));
        assertEquals(2, LawPlot.plottable(points));
    }
}
