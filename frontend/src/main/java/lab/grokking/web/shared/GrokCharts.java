package lab.grokking.web.shared;

import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.HasSize;
import com.vaadin.flow.component.Tag;
import com.vaadin.flow.component.dependency.JavaScript;
import com.vaadin.flow.component.dependency.StyleSheet;
import com.vaadin.flow.shared.Registration;
import java.util.function.Consumer;
import java.util.function.LongConsumer;

/**
 * Live uPlot charts of one or more runs (META-INF/resources/js/grok-charts.js). The browser reads each run's
 * points straight from the API's WebSocket stream, so a view never relays metrics; the server only configures
 * the charts and hears back progress, status and the scrubbed step.
 */
@Tag("grok-charts")
@StyleSheet("context://webjars/uplot/1.6.30/dist/uPlot.min.css")
@JavaScript("context://webjars/uplot/1.6.30/dist/uPlot.iife.min.js")
@JavaScript("context://js/grok-charts.js")
public class GrokCharts extends Component implements HasSize {
    /** Progress of a run (the run view shows one): step, steps, seconds left (NaN when unknown). */
    public record Progress(long step, long steps, double etaSeconds) {}

    public GrokCharts() {
        setWidthFull();
    }

    /** (Re)draws the charts from a {@link ChartSpecs} document. */
    public void configure(String json) {
        getElement().callJsFunction("configure", json);
    }

    public void setAxes(String x, boolean xlog) {
        getElement().callJsFunction("setAxes", x, xlog);
    }

    public void setCursor(long step) {
        getElement().callJsFunction("setCursor", step);
    }

    public Registration onScrub(LongConsumer listener) {
        return getElement()
                .addEventListener(
                        "grok-scrub",
                        e -> listener.accept(
                                (long) e.getEventData().get("event.detail.step").asDouble()))
                .addEventData("event.detail.step")
                .debounce(200);
    }

    public Registration onProgress(Consumer<Progress> listener) {
        return getElement()
                .addEventListener("grok-progress", e -> {
                    var d = e.getEventData();
                    var eta = d.get("event.detail.eta");
                    listener.accept(new Progress(
                            (long) d.get("event.detail.step").asDouble(),
                            (long) d.get("event.detail.steps").asDouble(),
                            eta == null || eta.isNull() ? Double.NaN : eta.asDouble()));
                })
                .addEventData("event.detail.step")
                .addEventData("event.detail.steps")
                .addEventData("event.detail.eta")
                .throttle(250);
    }

    public Registration onStatus(Consumer<String> listener) {
        return getElement()
                .addEventListener("grok-status", e -> {
                    listener.accept(e.getEventData().get("event.detail.status").asString());
                })
                .addEventData("event.detail.status");
    }
}
