package lab.grokking.web.classroom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.HasHelper;
import com.vaadin.flow.component.HasValidation;
import com.vaadin.flow.component.HasValue;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import lab.grokking.core.config.ConfigException;
import lab.grokking.core.config.Configs;
import lab.grokking.core.config.Presets;
import lab.grokking.core.task.FieldSpec;
import lab.grokking.core.task.TaskSpec;
import lab.grokking.core.task.TaskSpecs;
import lab.grokking.server.labs.Lab;
import lab.grokking.server.labs.LabService;
import lab.grokking.web.Services;
import lab.grokking.web.configure.ConfigureView;
import lab.grokking.web.shared.Submit;

/**
 * A student's page of a lab: the instructions, the fields they may change, the locked ones read-only; hidden ones are
 * absent, and so are fields that do not apply to the current values.
 */
@Route("lab/:id")
@PageTitle("Lab · Grokking Lab")
public class LabView extends VerticalLayout implements BeforeEnterObserver {
    private final LabService labs = Services.current().server().labs();
    private final Map<String, Component> editable = new LinkedHashMap<>();

    @Override
    public void beforeEnter(BeforeEnterEvent e) {
        removeAll();
        editable.clear();
        Optional<Lab> lab = labs.get(e.getRouteParameters().get("id").orElse(""));
        if (lab.isEmpty()) {
            add(new H2("No such lab"), new Paragraph("Ask your teacher for the link again."));
            return;
        }
        Map<String, Object> view = labs.studentView(lab.get());
        JsonNode doc = Configs.JSON.valueToTree(view);
        add(new H2(lab.get().title()));
        Paragraph instructions = new Paragraph(lab.get().instructions());
        instructions.setId("instructions");
        add(instructions);
        FormLayout form = new FormLayout();
        TaskSpec<?> spec = TaskSpecs.get(doc.get("task").asText());
        // what the fields depend on (e.g. data → k or γ) may be hidden from students: the preset's values stand in
        ObjectNode preset = Presets.all().stream()
                .filter(p -> p.id().equals(lab.get().preset()))
                .findFirst()
                .map(Presets.Preset::config)
                .orElse(Configs.JSON.createObjectNode());
        ObjectNode base = Configs.merge(Configs.defaults(spec.name()), preset);
        Map<String, Component> shown = new LinkedHashMap<>();
        for (FieldSpec f : spec.fields()) {
            JsonNode field = doc.get("fields").get(f.key());
            if (field == null) continue; // hidden
            Component c = ConfigureView.input(f, field.get("value"));
            if (field.get("mode").asText().equals("editable")) {
                editable.put(f.key(), c);
                if ((field.has("min") || field.has("max")) && c instanceof HasHelper h)
                    h.setHelperText(f.meaning() + " · this lab allows [" + bound(field.get("min")) + ", "
                            + bound(field.get("max")) + "]");
                if (c instanceof HasValue<?, ?> hv)
                    hv.addValueChangeListener(ev -> ConfigureView.showApplicable(spec, base, shown));
            } else if (c instanceof HasValue<?, ?> hv) hv.setReadOnly(true);
            shown.put(f.key(), c);
            form.add(c);
        }
        ConfigureView.showApplicable(spec, base, shown);
        Paragraph problems = new Paragraph();
        problems.setId("form-problems");
        problems.addClassName("over-limits");
        Button run = new Button("Run", ev -> {
            editable.values().forEach(c -> {
                if (c instanceof HasValidation v) v.setInvalid(false);
            });
            ObjectNode overrides = ConfigureView.document(null, editable);
            try {
                Submit.lab(lab.get(), overrides, null);
            } catch (ConfigException ex) {
                ConfigureView.showProblems(ex, editable, problems);
            }
        });
        run.setId("run");
        run.addThemeVariants(ButtonVariant.PRIMARY);
        add(form, problems, run);
    }

    private static String bound(JsonNode v) {
        if (v == null || v.isNull()) return "…";
        double d = v.asDouble();
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }
}
