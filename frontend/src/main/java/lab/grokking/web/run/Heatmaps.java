package lab.grokking.web.run;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.Tag;
import com.vaadin.flow.component.dependency.JavaScript;
import java.util.List;
import lab.grokking.core.Snapshot;
import lab.grokking.core.config.Configs;

/** Side-by-side heatmaps of matrices on one shared, symmetric colour scale (META-INF/resources/js/grok-heatmap.js). */
@Tag("grok-heatmap")
@JavaScript("context://js/grok-heatmap.js")
public final class Heatmaps extends Component {
    public record Map(String title, Snapshot matrix) {}

    public void show(List<Map> maps) {
        var doc = maps.stream()
                .map(m -> java.util.Map.of(
                        "title",
                        m.title(),
                        "rows",
                        m.matrix().rows(),
                        "cols",
                        m.matrix().cols(),
                        "values",
                        m.matrix().values()))
                .toList();
        try {
            getElement().callJsFunction("show", Configs.JSON.writeValueAsString(doc));
        } catch (JsonProcessingException e) {
            throw new IllegalStateException(e);
        }
    }
}
