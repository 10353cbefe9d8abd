package lab.grokking.web.classroom;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.dom.Element;
import java.util.ArrayList;
import java.util.List;
import lab.grokking.server.labs.LabRun;

/**
 * A lab's submissions as a plain table (name, status, changed fields, headline metric, outcome, the run), one row per
 * submission, in a box that scrolls sideways on its own so a phone's page does not. The teacher's has a hide/show
 * button per row. Rebuilt only when a row changed.
 */
final class ClassTable extends Div {
    /** Hides ({@code true}) or shows again a run in the class view. */
    interface Hide {
        void set(String runId, boolean hidden);
    }

    private static final List<String> HEADINGS = List.of("name", "status", "changed", "", "outcome", "run");

    private final String labId;
    private final Hide hide; // null: read-only
    private List<List<String>> shown = List.of();

    ClassTable(String labId, Hide hide) {
        this.labId = labId;
        this.hide = hide;
        addClassName("table-box");
    }

    void show(List<LabRun> runs, String headline) {
        List<List<String>> rows = new ArrayList<>();
        for (LabRun r : runs) {
            List<String> row = new ArrayList<>(LabText.cells(r, headline));
            row.add(r.runId());
            row.add(Boolean.toString(r.hidden()));
            rows.add(row);
        }
        if (rows.equals(shown)) return;
        shown = rows;
        getElement().removeAllChildren();
        Element table = new Element("table");
        table.getClassList().add("members");
        Element head = new Element("tr");
        for (String t : HEADINGS) head.appendChild(new Element("th").setText(t.isEmpty() ? headline : t));
        if (hide != null) head.appendChild(new Element("th").setText("class view"));
        table.appendChild(new Element("thead").appendChild(head));
        Element body = new Element("tbody");
        for (int i = 0; i < runs.size(); i++) {
            LabRun r = runs.get(i);
            Element tr = new Element("tr");
            tr.setAttribute("data-run", r.runId());
            tr.setAttribute("data-outcome", LabText.outcome(r).json());
            if (r.hidden()) tr.setAttribute("data-hidden", "");
            for (String c : LabText.cells(r, headline)) tr.appendChild(new Element("td").setText(c));
            Element link = new Element("td");
            link.appendChild(new Anchor("run/" + r.runId() + "?lab=" + labId, "open").getElement());
            tr.appendChild(link);
            if (hide != null) {
                Button b = new Button(r.hidden() ? "Show" : "Hide", ev -> hide.set(r.runId(), !r.hidden()));
                b.addThemeVariants(ButtonVariant.SMALL);
                b.getElement()
                        .setAttribute(
                                "aria-label",
                                (r.hidden() ? "Show " : "Hide ")
                                        + LabText.cells(r, headline).get(0) + "'s run");
                b.addClassName("hide-run");
                tr.appendChild(new Element("td").appendChild(b.getElement()));
            }
            body.appendChild(tr);
        }
        table.appendChild(body);
        getElement().appendChild(table);
    }
}
