package lab.grokking.server.labs;

import java.util.List;
import lab.grokking.server.sweeps.SweepReport;

/**
 * A lab's results: every submission (see {@link LabRun}), the fields students varied, and the class's visible runs
 * seen as one sweep (axes: the varied fields; members: one per distinct run; the law fit over the grokked ones), which
 * the sweep views render as they are.
 */
public record ClassResults(Lab lab, List<LabRun> runs, List<String> varied, SweepReport asSweep) {}
