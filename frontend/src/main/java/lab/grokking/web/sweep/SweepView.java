package lab.grokking.web.sweep;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.progressbar.ProgressBar;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.Route;
import java.util.Optional;
import lab.grokking.core.task.TaskSpec;
import lab.grokking.core.task.TaskSpecs;
import lab.grokking.server.runs.RunService;
import lab.grokking.server.sweeps.SweepReport;
import lab.grokking.server.sweeps.SweepService;
import lab.grokking.web.Services;
import lab.grokking.web.shared.Poller;
import lab.grokking.web.shared.Submit;

/**
 * A sweep, live: progress and outcome counts, its phase diagram (any two axes), the law view, every member with a
 * link to its run, exports. The URL is the share link: anyone with it reads; only its creator cancels. The page polls
 * the sweep's report while members run.
 */
@Route("sweep/:id")
public class SweepView extends VerticalLayout implements BeforeEnterObserver, HasDynamicTitle {
    /** How often the page re-reads the report while members run. */
    static final int POLL_MILLIS = 1500;

    private final SweepService sweeps = Services.current().sweeps();
    private final RunService runs = Services.current().runs();
    private String id, title = "Sweep";
    private TaskSpec<?> spec;
    private final Span progressText = new Span();
    private final ProgressBar progress = new ProgressBar();
    private final MembersTable table = new MembersTable();
    private SweepPanels panels;
    private final Button cancel = new Button("Cancel sweep");
    private final Poller poller = new Poller(POLL_MILLIS, this::refresh);

    @Override
    public void beforeEnter(BeforeEnterEvent e) {
        removeAll();
        poller.stop(getUI());
        spec = null;
        id = e.getRouteParameters().get("id").orElse("");
        Optional<SweepReport> r = sweeps.report(id);
        if (r.isEmpty()) {
            title = "No such sweep";
            add(
                    new H2("No such sweep"),
                    new Paragraph("This link names no sweep on this server."),
                    new Anchor("", "All experiments"));
            return;
        }
        build(r.get());
    }

    @Override
    public String getPageTitle() {
        return title + " · Grokking Lab";
    }

    private void build(SweepReport r) {
        spec = TaskSpecs.get(r.task());
        title = r.title() == null || r.title().isBlank() ? "Sweep " + r.id() : r.title();
        H2 h = new H2(title);
        h.setId("sweep-title");
        add(new Anchor("", "← All experiments"), h);

        progressText.setId("sweep-progress");
        progressText.getElement().setAttribute("aria-live", "polite");
        progress.setWidth("20em");
        progress.getElement().setAttribute("aria-label", "Members ended");
        cancel.setId("sweep-cancel");
        cancel.addClickListener(ev -> {
            try {
                sweeps.cancel(id, Submit.client());
            } catch (
                    SweepService.NotCreatorException
                            notYours) { // the button is the creator's only; a race with a new address
                cancel.setVisible(false);
            }
            cancel.setEnabled(false);
            refresh();
        });
        // a share link's viewer reads; only the creator (whose sweeps list holds it) cancels
        cancel.setVisible(sweeps.list(Submit.client()).stream().anyMatch(s -> s.id().equals(id)));
        Anchor csv = export("csv"), json = export("json");
        HorizontalLayout top = new HorizontalLayout(progressText, progress, cancel, csv, json);
        top.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.CENTER);
        top.setWrap(true);
        add(top);

        panels = new SweepPanels(runs, ""); // a fresh one: the view is reused when one sweep's page links to another's
        add(panels);

        add(new H3("Members"));
        table.setId("members");
        add(table);
        show(r);
        if (!r.done()) getUI().ifPresent(poller::start); // reused view: onAttach has run already
    }

    private Anchor export(String format) {
        Anchor a = new Anchor("/api/sweeps/" + id + "/export." + format, "Export " + format.toUpperCase());
        a.setRouterIgnore(true);
        a.setId("export-" + format);
        a.getElement().setAttribute("download", "");
        return a;
    }

    private void refresh() {
        sweeps.report(id).ifPresent(this::show);
    }

    private void show(SweepReport r) {
        int ended = (int)
                r.members().stream().filter(m -> SweepService.ended(m.status())).count();
        progressText.setText(SweepText.progress(ended, r.members().size(), r.counts()));
        progress.setValue(
                r.members().isEmpty() ? 1 : ended / (double) r.members().size());
        cancel.setEnabled(!r.done());
        panels.show(r);
        table.show(r, spec);
        if (r.done()) poller.stop(getUI());
    }

    @Override
    protected void onAttach(AttachEvent e) {
        super.onAttach(e);
        if (spec != null) poller.start(e.getUI()); // else no such sweep
    }

    @Override
    protected void onDetach(DetachEvent e) {
        poller.stop(getUI());
        super.onDetach(e);
    }
}
