package lab.grokking.web.classroom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.HasValidation;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.component.textfield.IntegerField;
import com.vaadin.flow.component.textfield.NumberField;
import com.vaadin.flow.component.textfield.TextArea;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import lab.grokking.core.config.ConfigException;
import lab.grokking.core.config.Configs;
import lab.grokking.core.config.Presets;
import lab.grokking.core.task.Durations;
import lab.grokking.core.task.FieldSpec;
import lab.grokking.core.task.TaskSpec;
import lab.grokking.core.task.TaskSpecs;
import lab.grokking.server.ServerConfig;
import lab.grokking.server.labs.Lab;
import lab.grokking.server.labs.LabService;
import lab.grokking.web.Services;
import lab.grokking.web.shared.Submit;

/** A teacher builds a lab link: which fields students may change (and within which range), which are locked or hidden, and instructions. */
@Route("classroom")
@PageTitle("Classroom lab · Grokking Lab")
public class LabBuilderView extends VerticalLayout {
    private record Row(Select<Lab.Mode> mode, TextField min, TextField max) {}

    private final Select<Presets.Preset> preset = new Select<>();
    private final Div rows = new Div();
    private final Map<String, Row> rules = new LinkedHashMap<>();
    private final TextArea instructions = new TextArea("Instructions for students");
    private final Paragraph problems = new Paragraph();
    private final TextField link = new TextField("Lab link for students");
    private final NumberField hours = new NumberField("Open for (hours)");
    private final IntegerField maxRuns = new IntegerField("Runs in this lab at most");
    private final IntegerField quotaRunning = new IntegerField("Runs at once per student");
    private final IntegerField quotaTotal = new IntegerField("Runs in total per student");
    private final TextField results = new TextField("Your results page (teacher key inside)");
    private final Paragraph secret = new Paragraph();
    private final Anchor openResults = new Anchor();

    public LabBuilderView() {
        add(
                new Anchor("", "← All experiments"),
                new H2("Build a classroom lab"),
                new Paragraph(
                        "Pick a preset, then choose for each field whether students may change it (within a range), see it locked, or not see it. "
                                + "The server enforces the same rules on every request."));
        preset.setLabel("Preset");
        preset.setItems(Presets.all().stream()
                .filter(p -> p.scale().equals("classroom"))
                .toList());
        preset.setItemLabelGenerator(Presets.Preset::title);
        preset.setId("lab-preset");
        preset.addValueChangeListener(e -> showFields(e.getValue()));
        instructions.setId("lab-instructions");
        instructions.setWidth("40em");
        FormLayout lifecycle = new FormLayout();
        lifecycle.setId("lab-lifecycle");
        lifecycle.setMaxWidth("40em");
        hours.setId("lab-hours");
        hours.setMin(0);
        maxRuns.setId("lab-max-runs");
        quotaRunning.setId("lab-quota-running");
        quotaTotal.setId("lab-quota-total");
        ServerConfig cfg = Services.current().config(); // the server's defaults and limits, stated once there
        hours.setHelperText("empty: " + Durations.human(cfg.labDefaultDays * 86400) + "; at most "
                + Durations.human(cfg.labMaxDays * 86400));
        maxRuns.setHelperText("empty: " + cfg.labMaxRuns + ", the most allowed");
        quotaRunning.setHelperText("empty: " + cfg.labQuotaRunning);
        quotaTotal.setHelperText("empty: " + cfg.labQuotaTotal);
        maxRuns.setMin(1);
        quotaRunning.setMin(1);
        quotaTotal.setMin(1);
        lifecycle.add(hours, maxRuns, quotaRunning, quotaTotal);
        instructions.setMaxLength(LabService.MAX_INSTRUCTIONS);
        problems.setId("lab-problems");
        problems.addClassName("over-limits");
        Button create = new Button("Create lab link", e -> create());
        create.setId("create-lab");
        create.addThemeVariants(ButtonVariant.PRIMARY);
        link.setId("lab-link");
        link.setReadOnly(true);
        link.setWidth("40em");
        results.setId("results-link");
        results.setReadOnly(true);
        results.setWidth("40em");
        results.setVisible(false);
        secret.setId("results-secret");
        secret.addClassName("over-limits");
        openResults.setId("open-results");
        openResults.setText("Open the results page");
        openResults.setVisible(false);
        add(preset, rows, instructions, lifecycle, problems, create, link, results, secret, openResults);
        preset.setValue(Presets.all().stream()
                .filter(p -> p.scale().equals("classroom"))
                .findFirst()
                .orElseThrow());
    }

    private void showFields(Presets.Preset p) {
        rows.removeAll();
        rules.clear();
        if (p == null) return;
        TaskSpec<?> spec = TaskSpecs.get(p.config().get("task").asText());
        JsonNode values = Configs.merge(Configs.defaults(spec.name()), p.config());
        for (FieldSpec f : spec.fields()) {
            if (!f.applies(values)) continue; // e.g. γ of a sparse-data preset: the run does not use it
            Select<Lab.Mode> mode = new Select<>();
            mode.setLabel(f.label() + " = " + values.get(f.key()).asText());
            mode.setItems(Lab.Mode.values());
            mode.setItemLabelGenerator(m -> switch (m) {
                case EDITABLE -> "Students may change";
                case LOCKED -> "Shown, locked";
                case HIDDEN -> "Hidden";
            });
            mode.setValue(Lab.Mode.LOCKED);
            mode.setId("mode-" + f.key());
            HorizontalLayout row = new HorizontalLayout(mode);
            row.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
            TextField min = null, max = null;
            if (f.numeric()) {
                min = new TextField("Min (" + f.label() + ")");
                max = new TextField("Max (" + f.label() + ")");
                min.setId("min-" + f.key());
                max.setId("max-" + f.key());
                TextField mn = min, mx = max;
                mn.setVisible(false);
                mx.setVisible(false);
                mode.addValueChangeListener(e -> {
                    mn.setVisible(e.getValue() == Lab.Mode.EDITABLE);
                    mx.setVisible(e.getValue() == Lab.Mode.EDITABLE);
                });
                row.add(min, max);
            }
            rules.put(f.key(), new Row(mode, min, max));
            rows.add(row);
        }
    }

    private void create() {
        ObjectNode req = Configs.JSON.createObjectNode();
        req.put("preset", preset.getValue() == null ? null : preset.getValue().id());
        req.put("instructions", instructions.getValue());
        LabRequest.lifecycle(
                req,
                hours.getValue(),
                maxRuns.getValue(),
                quotaRunning.getValue(),
                quotaTotal.getValue(),
                Instant.now());
        ObjectNode fields = req.putObject("fields");
        for (var e : rules.entrySet()) {
            Row r = e.getValue();
            r.mode().setInvalid(false);
            ObjectNode rule = fields.putObject(e.getKey())
                    .put("mode", r.mode().getValue().name().toLowerCase(Locale.ROOT));
            if (r.mode().getValue() == Lab.Mode.EDITABLE && r.min() != null) {
                putNumber(rule, "min", r.min().getValue());
                putNumber(rule, "max", r.max().getValue());
            }
        }
        problems.setText("");
        for (HasValidation f : List.<HasValidation>of(hours, maxRuns, quotaRunning, quotaTotal)) f.setInvalid(false);
        try {
            LabService.Created created = Services.current().server().labs().create(req, Submit.client());
            Lab lab = created.lab();
            UI.getCurrent()
                    .getPage()
                    .executeJs("return new URL($0, document.baseURI).href", "lab/" + lab.id())
                    .then(String.class, link::setValue);
            String path = LabRequest.resultsPath(lab.id(), created.teacherKey());
            UI.getCurrent()
                    .getPage()
                    .executeJs("return new URL($0, document.baseURI).href", path)
                    .then(String.class, results::setValue);
            results.setVisible(true);
            openResults.setHref(path);
            openResults.setVisible(true);
            secret.setText("Keep the results link secret: its key opens your results and closes the lab. "
                    + "It is shown only this once (the server keeps only a hash of the key): bookmark it now.");
        } catch (ConfigException ex) {
            StringBuilder rest = new StringBuilder();
            for (ConfigException.Problem p : ex.problems()) {
                String name =
                        p.field().startsWith("fields.") ? p.field().substring(7).replaceAll("\\..*", "") : p.field();
                Row r = rules.get(name);
                var life = lifecycleField(p.field());
                if (life != null) {
                    life.setErrorMessage(p.message());
                    life.setInvalid(true);
                } else if (r != null) {
                    r.mode().setErrorMessage(p.message());
                    r.mode().setInvalid(true);
                } else rest.append(p).append(". ");
            }
            problems.setText(rest.toString());
        }
    }

    /** The lifecycle input a problem of the server's field belongs to, or null. */
    private HasValidation lifecycleField(String field) {
        String id = LabRequest.FIELDS.get(field);
        if (id == null) return null;
        for (Component f : List.<Component>of(hours, maxRuns, quotaRunning, quotaTotal))
            if (f.getId().orElse("").equals(id)) return (HasValidation) f;
        return null;
    }

    private static void putNumber(ObjectNode o, String k, String text) {
        String t = text == null ? "" : text.strip();
        if (t.isEmpty()) return;
        try {
            o.put(k, Double.parseDouble(t));
        } catch (NumberFormatException e) {
            o.put(k, t); // the server names the field
        }
    }
}
