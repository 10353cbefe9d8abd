package lab.grokking.web.sweep;

import com.fasterxml.jackson.databind.node.ObjectNode;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.TextField;
import java.util.List;
import lab.grokking.core.config.ConfigException;
import lab.grokking.core.config.Configs;
import lab.grokking.core.config.Presets;
import lab.grokking.server.queue.QueueLimitException;
import lab.grokking.server.store.StoreException;
import lab.grokking.server.sweeps.SweepService;
import lab.grokking.web.Services;
import lab.grokking.web.shared.Submit;

/**
 * The home page's sweeps: one card per sweep preset (config/sweeps), and a form for a sweep of one's own (a run preset
 * as base, axes as text, a seed count). Both submit through the sweep service, like POST /api/sweeps, and open the
 * sweep's page; a rejected sweep shows the service's problems (field and limit) inline.
 */
public final class SweepForm extends VerticalLayout {
    private final SweepService sweeps = Services.current().sweeps();
    private final Div errors = new Div();

    public SweepForm() {
        setPadding(false);
        errors.setId("sweep-errors");
        errors.addClassName("form-errors");
        errors.getElement().setAttribute("role", "alert");
        Div cards = new Div();
        cards.addClassName("cards");
        cards.setId("sweep-presets");
        for (ObjectNode p : sweeps.presets()) cards.add(card(p));
        add(cards, custom(), errors);
    }

    private Div card(ObjectNode p) {
        String id = p.path("id").asText();
        Div card = new Div();
        card.addClassName("card");
        card.getElement().setAttribute("data-sweep-preset", id);
        Button run = new Button(
                "Run sweep", e -> submit(Configs.JSON.createObjectNode().put("sweep", id)));
        run.addThemeVariants(ButtonVariant.PRIMARY);
        run.getElement()
                .setAttribute("aria-label", "Run sweep " + p.path("title").asText(id));
        card.add(
                new H3(p.path("title").asText(id)),
                new Paragraph(p.path("description").asText("")),
                run);
        return card;
    }

    private VerticalLayout custom() {
        TextField title = new TextField("Title");
        title.setId("sweep-title-field");
        Select<String> base = new Select<>();
        base.setLabel("Base (a run preset)");
        base.setId("sweep-base");
        List<Presets.Preset> presets = Presets.all();
        base.setItems(presets.stream().map(Presets.Preset::id).toList());
        presets.stream() // a classroom preset first: a sweep multiplies a run's time
                .filter(p -> p.scale().equals("classroom"))
                .findFirst()
                .or(() -> presets.stream().findFirst())
                .ifPresent(p -> base.setValue(p.id()));
        TextField axes = new TextField("Axes");
        axes.setId("sweep-axes");
        axes.setWidth("32em");
        axes.setPlaceholder("alpha=10,30,100; weightDecay=1e-3..4e-3 x3 log");
        axes.setHelperText("FIELD=v1,v2,… or FIELD=from..to xCOUNT [log]; axes separated by ';'");
        IntegerField seeds = new IntegerField("Seeds");
        seeds.setId("sweep-seeds");
        seeds.setValue(1);
        seeds.setStepButtonsVisible(true);
        Button go = new Button("Run my sweep", e -> {
            ObjectNode body;
            try {
                body = SweepRequest.of(title.getValue(), base.getValue(), axes.getValue(), seeds.getValue());
            } catch (ConfigException ex) {
                showErrors(ex);
                return;
            }
            submit(body);
        });
        go.setId("sweep-submit");
        HorizontalLayout row = new HorizontalLayout(title, base, axes, seeds, go);
        row.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        row.setWrap(true);
        VerticalLayout v = new VerticalLayout(new H3("A sweep of your own"), row);
        v.setPadding(false);
        return v;
    }

    private void submit(ObjectNode body) {
        errors.removeAll();
        try {
            String id = sweeps.submit(body, Submit.client()).id();
            UI.getCurrent().navigate("sweep/" + id);
        } catch (ConfigException ex) {
            showErrors(ex);
        } catch (QueueLimitException | StoreException ex) { // a budget or queue limit, or a store taking no writes
            errors.add(new Paragraph(ex.getMessage()));
        }
    }

    private void showErrors(ConfigException ex) {
        errors.removeAll();
        for (ConfigException.Problem p : ex.problems()) {
            Paragraph line = new Paragraph(p.toString());
            line.getElement().setAttribute("data-field", p.field());
            errors.add(line);
        }
        if (ex.total() > ex.problems().size())
            errors.add(new Paragraph("and " + (ex.total() - ex.problems().size()) + " more problems"));
    }
}
