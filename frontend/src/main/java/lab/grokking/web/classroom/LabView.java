package lab.grokking.web.classroom;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.Component;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.HasHelper;
import com.vaadin.flow.component.HasValidation;
import com.vaadin.flow.component.HasValue;
import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.formlayout.FormLayout;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.textfield.TextField;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.QueryParameters;
import com.vaadin.flow.router.Route;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import lab.grokking.core.config.ConfigException;
import lab.grokking.core.config.Configs;
import lab.grokking.core.config.Presets;
import lab.grokking.core.task.FieldSpec;
import lab.grokking.core.task.TaskSpec;
import lab.grokking.core.task.TaskSpecs;
import lab.grokking.server.labs.ClassResults;
import lab.grokking.server.labs.Lab;
import lab.grokking.server.labs.LabRun;
import lab.grokking.server.labs.LabService;
import lab.grokking.server.queue.QueueLimitException;
import lab.grokking.server.runs.RunService;
import lab.grokking.server.store.StoreException;
import lab.grokking.web.Services;
import lab.grokking.web.configure.ConfigureView;
import lab.grokking.web.shared.Poller;
import lab.grokking.web.shared.Submit;

/**
 * A student's page of a lab: the instructions, the lab's state and the student's quota, an optional display name, the
 * fields they may change (locked ones read-only; hidden ones, and fields that do not apply, absent), the student's own
 * runs here, and the class's results when the teacher shares them. The server decides every refusal (closed, expired,
 * the lab's cap, the quota) and the page shows its message. Polled, so a queued run's place and a closing lab show.
 */
@Route("lab/:id")
public class LabView extends VerticalLayout implements BeforeEnterObserver, HasDynamicTitle {
    /** How often the page re-reads the lab, the student's runs and the shared results. */
    static final int POLL_MILLIS = 2000;

    /**
     * How often the shared class view is recomputed: it is the whole class's results, and a class of 60 polling it
     * every 2 s would recompute it 30 times a second.
     */
    static final long SHARED_MILLIS = 10_000;

    private final LabService labs = Services.current().server().labs();
    private final RunService runs = Services.current().runs();
    private final Map<String, Component> editable = new LinkedHashMap<>();
    private final Paragraph state = new Paragraph(), quota = new Paragraph();
    private Lab lab;
    private String title = "Lab";
    private MyRuns mine;
    private Div shared;
    private ClassPanel sharedPanel;
    private final Poller poller = new Poller(POLL_MILLIS, this::refresh);
    private long sharedAt; // when the shared view was last recomputed (0: never)
    private Lab.Share sharedAs;

    @Override
    public void beforeEnter(BeforeEnterEvent e) {
        removeAll();
        editable.clear();
        sharedPanel = null;
        sharedAt = 0;
        sharedAs = null;
        poller.stop(getUI());
        Optional<Lab> found = labs.get(e.getRouteParameters().get("id").orElse(""));
        if (found.isEmpty()) {
            lab = null;
            title = "No such lab";
            add(new H2("No such lab"), new Paragraph("Ask your teacher for the link again."));
            return;
        }
        lab = found.get();
        build();
    }

    @Override
    public String getPageTitle() {
        return title + " · Grokking Lab";
    }

    private void build() {
        addClassName("lab-page");
        title = lab.title();
        H2 h = new H2(lab.title());
        h.setId("lab-title");
        Paragraph instructions = new Paragraph(lab.instructions());
        instructions.setId("instructions");
        state.setId("lab-state");
        quota.setId("lab-quota");
        add(h, instructions, state, quota);

        TextField name = new TextField("Your name (optional)");
        name.setId("student-name");
        name.setHelperText("Shown to your teacher with your runs; leave it empty to stay anonymous.");
        name.setClearButtonVisible(true);
        name.setMaxLength(LabService.MAX_NAME);
        labs.runsOf(lab, Submit.client()).stream() // the name this student gave last time, so it is typed once
                .map(LabRun::name)
                .filter(n -> n != null)
                .findFirst()
                .ifPresent(name::setValue);
        FormLayout form = new FormLayout();
        form.setId("lab-form");
        form.add(name);
        Map<String, Component> inputs = fields(form);
        Map<String, Component> withName = new LinkedHashMap<>(inputs);
        withName.put("name", name); // the server names a bad display name "name"
        Paragraph problems = new Paragraph();
        problems.setId("form-problems");
        problems.addClassName("over-limits");
        problems.getElement().setAttribute("aria-live", "assertive");
        Button run = new Button("Run", ev -> submit(name.getValue(), withName, problems));
        run.setId("run");
        run.addThemeVariants(ButtonVariant.PRIMARY);
        add(form, problems, run);

        mine = new MyRuns(lab.id());
        mine.setId("my-runs");
        shared = new Div();
        shared.setId("class-view");
        shared.setWidthFull();
        add(new H3("Your runs in this lab"), mine, shared);
        refresh();
        getUI().ifPresent(poller::start); // a reused view: onAttach has run already
    }

    /** The lab's fields as inputs in {@code form}: editable ones (with the lab's range), locked ones read-only. */
    private Map<String, Component> fields(FormLayout form) {
        JsonNode doc = Configs.JSON.valueToTree(labs.studentView(lab));
        TaskSpec<?> spec = TaskSpecs.get(doc.get("task").asText());
        // what the fields depend on (e.g. data → k or γ) may be hidden from students: the preset's values stand in
        ObjectNode preset = Presets.all().stream()
                .filter(p -> p.id().equals(lab.preset()))
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
        return editable;
    }

    /** Starts (or finds) the student's run under the lab's rules and opens it in the lab's context; a refusal is shown. */
    private void submit(String name, Map<String, Component> inputs, Paragraph problems) {
        inputs.values().forEach(c -> {
            if (c instanceof HasValidation v) v.setInvalid(false);
        });
        problems.setText("");
        ObjectNode overrides = ConfigureView.document(null, editable);
        try {
            LabService.StudentSubmission s =
                    labs.submit(lab, overrides, Submit.identity(), name == null || name.isBlank() ? null : name);
            UI.getCurrent().navigate("run/" + s.submission().run().id(), QueryParameters.of("lab", lab.id()));
        } catch (ConfigException ex) {
            ConfigureView.showProblems(ex, inputs, problems);
        } catch (LabService.RefusedException // closed, expired, the lab's cap or the student's quota
                | QueueLimitException
                | StoreException ex) { // a limit of the queue, or a store that takes no writes now
            problems.setText(ex.getMessage());
        }
        refresh();
    }

    private void refresh() {
        labs.get(lab.id()).ifPresent(l -> lab = l);
        int used = submissions();
        boolean open = LabText.open(lab, used, System.currentTimeMillis());
        state.setText(LabText.state(lab, used, System.currentTimeMillis()));
        state.getElement().setAttribute("data-open", Boolean.toString(open));
        state.setClassName("over-limits", !open);
        List<LabRun> own = labs.runsOf(lab, Submit.client());
        quota.setText(LabText.quota(lab, own));
        mine.show(own, runs);
        long now = System.currentTimeMillis();
        if (lab.share() == sharedAs && now - sharedAt < SHARED_MILLIS) return;
        sharedAt = now;
        sharedAs = lab.share();
        Optional<ClassResults> view = lab.share() == Lab.Share.NONE ? Optional.empty() : labs.sharedView(lab);
        shared.setVisible(view.isPresent());
        if (view.isPresent()) {
            if (sharedPanel == null) {
                sharedPanel = new ClassPanel(runs, lab.id(), LabText.task(lab), null);
                shared.add(new H3("The class's results, shared by your teacher"), sharedPanel);
            }
            sharedPanel.show(view.get());
        }
    }

    /** How many runs the class has submitted here (what the lab's cap counts). */
    private int submissions() {
        return Configs.JSON.valueToTree(labs.studentView(lab)).path("runs").asInt();
    }

    private static String bound(JsonNode v) {
        if (v == null || v.isNull()) return "…";
        double d = v.asDouble();
        return d == Math.rint(d) && Math.abs(d) < 1e15 ? Long.toString((long) d) : Double.toString(d);
    }

    @Override
    protected void onAttach(AttachEvent e) {
        super.onAttach(e);
        if (lab != null) poller.start(e.getUI());
    }

    @Override
    protected void onDetach(DetachEvent e) {
        poller.stop(getUI());
        super.onDetach(e);
    }
}
