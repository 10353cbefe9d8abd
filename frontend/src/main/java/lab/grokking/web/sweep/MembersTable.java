package lab.grokking.web.sweep;

import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.dom.Element;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import lab.grokking.core.sweep.Classification;
import lab.grokking.core.task.TaskSpec;
import lab.grokking.server.sweeps.SweepReport;
import lab.grokking.server.sweeps.SweepReport.Member;
import lab.grokking.server.sweeps.SweepService;
import lab.grokking.web.run.FinalMetric;

/**
 * Every member of a sweep as a plain table row (data-outcome on the row): axis values, seed, status, outcome, fit and
 * transition steps, the headline metric's last value, and a link to the run. Rebuilt only when a row changed.
 */
final class MembersTable extends Div {
    private List<List<String>> shown = List.of();

    void show(SweepReport r, TaskSpec<?> spec) {
        List<String> fields = r.axes().stream().map(SweepReport.Axis::field).toList();
        String headline = spec.headlineMetric();
        List<List<String>> rows = new ArrayList<>();
        for (Member m : r.members()) rows.add(cells(m, fields, headline));
        if (rows.equals(shown)) return;
        shown = rows;
        getElement().removeAllChildren();
        Element table = new Element("table");
        table.getClassList().add("members");
        Element head = new Element("tr");
        for (String f : fields) head.appendChild(th(SweepText.symbol(f)));
        for (String t : List.of("seed", "status", "outcome", "fit step", "transition step", headline, "run"))
            head.appendChild(th(t));
        table.appendChild(new Element("thead").appendChild(head));
        Element body = new Element("tbody");
        for (int i = 0; i < rows.size(); i++) {
            Member m = r.members().get(i);
            Element tr = new Element("tr");
            tr.setAttribute("data-outcome", PhaseDiagram.outcome(m).json());
            List<String> row = rows.get(i);
            for (int c = 0; c < row.size() - 1; c++) tr.appendChild(new Element("td").setText(row.get(c)));
            Element link = new Element("td");
            if (m.runId() != null) link.appendChild(new Anchor("run/" + m.runId(), "open").getElement());
            tr.appendChild(link);
            body.appendChild(tr);
        }
        table.appendChild(body);
        getElement().appendChild(table);
    }

    private static List<String> cells(Member m, List<String> fields, String headline) {
        List<String> c = new ArrayList<>();
        for (String f : fields) {
            Double v = m.fields().get(f);
            c.add(v == null ? "" : SweepText.number(v));
        }
        Classification k = m.classification();
        c.add(Long.toString(m.seed()));
        c.add(m.status().toLowerCase(Locale.ROOT)
                + (SweepService.ended(m.status()) ? "" : " " + Math.round(100 * m.fraction()) + " %"));
        c.add(PhaseDiagram.outcome(m).label());
        c.add(k == null || k.fitStep() == null ? "" : Long.toString(k.fitStep()));
        c.add(k == null || k.transitionStep() == null ? "" : Long.toString(k.transitionStep()));
        Double fin = m.finals() == null ? null : m.finals().get(headline);
        c.add(fin == null ? "" : FinalMetric.value(headline, fin));
        c.add(m.runId() == null ? "" : m.runId());
        return c;
    }

    private static Element th(String text) {
        return new Element("th").setText(text);
    }
}
