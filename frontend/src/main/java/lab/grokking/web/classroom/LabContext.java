package lab.grokking.web.classroom;

import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import lab.grokking.server.labs.Lab;

/** A lab's title, instructions and the way back, above a run opened from the lab (run/{id}?lab={labId}). */
public final class LabContext extends Div {
    public LabContext(Lab lab) {
        setId("lab-context");
        addClassName("lab-context");
        Anchor back = new Anchor("lab/" + lab.id(), "← Back to the lab");
        back.setId("back-to-lab");
        Span title = new Span(lab.title());
        title.addClassName("lab-context-title");
        Paragraph instructions = new Paragraph(lab.instructions());
        instructions.setId("lab-context-instructions");
        add(back, new Div(title), instructions);
    }
}
