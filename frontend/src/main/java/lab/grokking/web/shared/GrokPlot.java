package lab.grokking.web.shared;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.HasSize;
import com.vaadin.flow.component.Tag;
import com.vaadin.flow.component.dependency.JavaScript;
import com.vaadin.flow.component.dependency.StyleSheet;

/**
 * The static plots of META-INF/resources/js/grok-plots.js and grok-phase.js: each element draws the JSON document its
 * {@code show} is given (the documents are written by plain classes: SeedBands, PhaseDiagram, LawPlot). Redrawn only
 * when the document changed, so a poll that changed nothing leaves the page (and an open hover) alone.
 */
public abstract class GrokPlot extends Component implements HasSize {
    private String shown;

    protected GrokPlot() {
        setWidthFull();
    }

    public void show(String json) {
        if (json.equals(shown)) return;
        shown = json;
        getElement().callJsFunction("show", json);
    }

    /** Mean ± std bands across seeds (SeedBands' document). */
    @Tag("grok-bands")
    @StyleSheet("context://webjars/uplot/1.6.30/dist/uPlot.min.css")
    @JavaScript("context://webjars/uplot/1.6.30/dist/uPlot.iife.min.js")
    @JavaScript("context://js/grok-plots.js")
    public static class Bands extends GrokPlot {}

    /** The law view's scatter plots (LawPlot's document). */
    @Tag("grok-law")
    @StyleSheet("context://webjars/uplot/1.6.30/dist/uPlot.min.css")
    @JavaScript("context://webjars/uplot/1.6.30/dist/uPlot.iife.min.js")
    @JavaScript("context://js/grok-plots.js")
    public static class Law extends GrokPlot {}

    /** A sweep's phase diagram (PhaseDiagram's document). */
    @Tag("grok-phase")
    @JavaScript("context://js/grok-phase.js")
    public static class Phase extends GrokPlot {}
}
