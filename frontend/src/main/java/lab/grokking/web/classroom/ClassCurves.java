package lab.grokking.web.classroom;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import lab.grokking.server.labs.LabRun;
import lab.grokking.web.run.ChartSpecs;

/**
 * The runs a class's overlaid curves draw: each visible run once (students with identical configs share one run),
 * labelled by its students' names and what they changed.
 */
final class ClassCurves {
    private ClassCurves() {}

    static List<ChartSpecs.Run> of(List<LabRun> runs) {
        Map<String, List<LabRun>> byRun = new LinkedHashMap<>();
        for (LabRun r : runs)
            if (!r.hidden())
                byRun.computeIfAbsent(r.runId(), k -> new ArrayList<>()).add(r);
        List<ChartSpecs.Run> out = new ArrayList<>();
        for (var e : byRun.entrySet()) {
            List<String> names = e.getValue().stream()
                    .map(LabRun::name)
                    .filter(n -> n != null && !n.isBlank())
                    .distinct()
                    .toList();
            String what = LabText.changed(e.getValue().get(0).changed());
            out.add(new ChartSpecs.Run(e.getKey(), names.isEmpty() ? what : String.join(", ", names) + ": " + what));
        }
        return out;
    }
}
