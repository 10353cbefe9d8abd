package lab.grokking.web.classroom;

import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.dom.Element;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import lab.grokking.core.sweep.Outcome;
import lab.grokking.server.labs.LabRun;
import lab.grokking.server.runs.RunService;
import lab.grokking.web.run.QueueText;

/**
 * A student's own runs in a lab, newest first: what they changed, the status (a queued run's place in the queue and
 * when it starts), the outcome once ended, and a link that opens the run in the lab's context. Rebuilt only when a
 * line changed.
 */
final class MyRuns extends Div {
    private final String labId;
    private List<String> shown = List.of();

    MyRuns(String labId) {
        this.labId = labId;
    }

    void show(List<LabRun> mine, RunService runs) {
        List<String> lines = new ArrayList<>();
        for (LabRun r : mine) lines.add(line(r, QueueText.of(runs, r.runId())));
        if (lines.equals(shown)) return;
        shown = lines;
        getElement().removeAllChildren();
        if (mine.isEmpty()) {
            getElement().appendChild(new Element("p").setText("None yet: your runs in this lab appear here."));
            return;
        }
        Element list = new Element("ul");
        for (int i = 0; i < mine.size(); i++) {
            LabRun r = mine.get(i);
            Element li = new Element("li");
            li.setAttribute("data-run", r.runId());
            li.setAttribute("data-status", r.status());
            li.appendChild(new Element("span").setText(lines.get(i) + " · "));
            li.appendChild(new Anchor("run/" + r.runId() + "?lab=" + labId, "open").getElement());
            list.appendChild(li);
        }
        getElement().appendChild(list);
    }

    /** "α = 30: queued, 2 runs ahead · starts in about 1 min"; "α = 30: finished, grokked". */
    static String line(LabRun r, String queued) {
        String status = queued != null ? queued : r.status().toLowerCase(Locale.ROOT);
        Outcome o = LabText.outcome(r); // "not finished" is what the status says already
        String outcome = o == Outcome.NOT_FINISHED ? "" : ", " + o.label();
        return LabText.changed(r.changed()) + ": " + status + outcome;
    }
}
