package lab.grokking.web.configure;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.HasHelper;
import com.vaadin.flow.component.HasValidation;
import com.vaadin.flow.component.HasValue;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.checkbox.Checkbox;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import java.util.LinkedHashMap;
import java.util.Map;
import lab.grokking.core.config.ConfigException;
import lab.grokking.core.config.Configs;
import lab.grokking.core.config.Presets;
import lab.grokking.core.config.RunConfig;
import lab.grokking.core.task.Durations;
import lab.grokking.core.task.FieldSpec;
import lab.grokking.core.task.TaskSpec;
import lab.grokking.core.task.TaskSpecs;
import lab.grokking.web.Services;
import lab.grokking.web.shared.Submit;

/**
 * Every parameter of a preset's task that applies to the current values, with unit, meaning and range from the
 * task's spec; the server's validation runs on each change and its messages appear at the field, with the cost
 * estimate and ETA before starting.
 */
@Route("configure")
@PageTitle("Configure · Grokking Lab")
public class ConfigureView extends VerticalLayout implements BeforeEnterObserver {
    private final Map<String, Component> inputs = new LinkedHashMap<>();
    private final Span estimate = new Span();
    private final Paragraph problems = new Paragraph();
    private Presets.Preset preset;
    private TaskSpec<?> spec;
    private ObjectNode values;

    @Override
    public void beforeEnter(BeforeEnterEvent e) {
        removeAll();
        inputs.clear();
        String id = e.getLocation()
                .getQueryParameters()
                .getSingleParameter("preset")
                .orElse("fig1a-classroom");
        preset = Presets.all().stream()
                .filter(p -> p.id().equals(id))
                .findFirst()
                .orElse(null);
        if (preset == null) {
            add(new H2("No such preset"), new Anchor("", "All experiments"));
            return;
        }
        add(
                new Anchor("", "← All experiments"),
                new H2("Configure: " + preset.title()),
                new Paragraph(preset.description()));
        spec = TaskSpecs.get(preset.config().get("task").asText());
        values = Configs.merge(Configs.defaults(spec.name()), preset.config());
        FormLayout form = new FormLayout();
        form.setResponsiveSteps(
                new FormLayout.ResponsiveStep("0", 1),
                new FormLayout.ResponsiveStep("40em", 2),
                new FormLayout.ResponsiveStep("70em", 3));
        for (FieldSpec f : spec.fields()) {
            Component c = input(f, values.get(f.key()));
            inputs.put(f.key(), c);
            // the server's validation on every change: its messages appear at the field; a choice may show or hide
            // others
            if (c instanceof HasValue<?, ?> hv) hv.addValueChangeListener(ev -> check());
            form.add(c);
        }
        add(form);
        estimate.setId("estimate");
        estimate.getElement().setAttribute("aria-live", "polite");
        problems.setId("form-problems");
        problems.addClassName("over-limits");
        Button run = new Button("Run", ev -> submit());
        run.setId("run");
        run.addThemeVariants(ButtonVariant.PRIMARY);
        add(estimate, problems, run);
        check();
    }

    /** The input of one field, with its label, unit, meaning and valid range as the task's spec states them. */
    public static Component input(FieldSpec f, JsonNode value) {
        String label = f.label() + (f.unit().isEmpty() ? "" : " (" + f.unit() + ")");
        Component c = switch (f.type()) {
            case BOOLEAN -> new Checkbox(label, value != null && value.asBoolean());
            case CHOICE -> {
                Select<String> s = new Select<>();
                s.setLabel(label);
                s.setItems(f.choices());
                s.setValue(value == null ? f.choices().get(0) : value.asText());
                yield s;
            }
            case INTEGER, NUMBER -> {
                TextField t = new TextField(label);
                t.setValue(value == null || value.isNull() ? "" : value.asText());
                t.setAllowedCharPattern("[0-9eE.+\\-]");
                yield t;
            }
        };
        c.setId("field-" + f.key());
        if (c instanceof HasHelper h) h.setHelperText(f.meaning() + (f.range() == null ? "" : " · range " + f.range()));
        return c;
    }

    /**
     * Shows the inputs of the fields that apply to {@code base} overlaid by the inputs' values (k for sparse data, γ
     * for Gaussian) and hides the others; hidden inputs are left out of {@link #document}.
     */
    public static void showApplicable(TaskSpec<?> spec, ObjectNode base, Map<String, Component> inputs) {
        ObjectNode values = Configs.merge(base, document(null, inputs, true));
        for (FieldSpec f : spec.fields())
            if (inputs.get(f.key()) instanceof Component c) c.setVisible(f.applies(values));
    }

    ObjectNode document() {
        return document(spec.name(), inputs);
    }

    /**
     * The shown inputs as a config document (a hidden field does not apply: the server neither needs nor checks it);
     * numbers that do not parse are sent as text so the server names the field.
     */
    public static ObjectNode document(String task, Map<String, Component> inputs) {
        return document(task, inputs, false);
    }

    private static ObjectNode document(String task, Map<String, Component> inputs, boolean hiddenToo) {
        ObjectNode doc = Configs.JSON.createObjectNode();
        if (task != null) doc.put("task", task);
        for (var e : inputs.entrySet()) {
            if (!hiddenToo && !e.getValue().isVisible()) continue;
            switch (e.getValue()) {
                case Checkbox b -> doc.put(e.getKey(), b.getValue());
                case Select<?> s -> doc.put(e.getKey(), String.valueOf(s.getValue()));
                case TextField t -> Numbers.put(doc, e.getKey(), t.getValue());
                default -> throw new IllegalStateException();
            }
        }
        return doc;
    }

    private RunConfig check() {
        showApplicable(spec, values, inputs);
        inputs.values().forEach(c -> {
            if (c instanceof HasValidation v) v.setInvalid(false);
        });
        problems.setText("");
        try {
            RunConfig rc = Services.current().runs().parse(document());
            double s = Services.current().runs().estimatedSeconds(rc);
            estimate.setText(String.format(
                    "Estimated cost: %.2g multiply-adds, %d MiB; %s",
                    rc.work(),
                    rc.memoryBytes() >> 20,
                    s == 0 ? "computed already: opens at once" : "about " + Durations.human(s) + " on this machine"));
            return rc;
        } catch (ConfigException ex) {
            estimate.setText("");
            showProblems(ex, inputs, problems);
            return null;
        }
    }

    /** Each problem at its field ("overrides." prefixes stripped); those of no field in the paragraph. */
    public static void showProblems(ConfigException ex, Map<String, Component> inputs, Paragraph other) {
        StringBuilder rest = new StringBuilder();
        for (ConfigException.Problem p : ex.problems()) {
            String field = p.field().startsWith("overrides.") ? p.field().substring("overrides.".length()) : p.field();
            if (inputs.get(field) instanceof HasValidation v) {
                v.setErrorMessage(p.message());
                v.setInvalid(true);
            } else rest.append(p).append(". ");
        }
        other.setText(rest.toString());
    }

    private void submit() {
        RunConfig rc = check();
        if (rc != null) Submit.start(rc);
    }
}
