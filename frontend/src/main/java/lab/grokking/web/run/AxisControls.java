package lab.grokking.web.run;

import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.radiobutton.RadioButtonGroup;
import java.util.function.Consumer;
import java.util.function.UnaryOperator;

/** The x-axis controls of the run and compare views: step or continuous time, log or linear; each change edits the view state. */
public final class AxisControls extends HorizontalLayout {
    /**
     * @param onChange given how to change the view state (x or log x), applies it: the caller keeps the state,
     *                 redraws its charts and rewrites its URL
     */
    public AxisControls(ViewState state, Consumer<UnaryOperator<ViewState>> onChange) {
        RadioButtonGroup<String> x = new RadioButtonGroup<>("X axis");
        x.setItems("step", "time");
        x.setItemLabelGenerator(v -> v.equals("step") ? "Step k" : "Continuous time t = ηk");
        x.setValue(state.x());
        x.setId("x-axis");
        Checkbox xlog = new Checkbox("Log x", state.xlog());
        xlog.setId("x-log");
        x.addValueChangeListener(ev -> onChange.accept(s -> s.withX(ev.getValue())));
        xlog.addValueChangeListener(ev -> onChange.accept(s -> s.withXlog(ev.getValue())));
        add(x, xlog);
        setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
    }
}
