package lab.grokking.web.classroom;

import com.vaadin.flow.component.AttachEvent;
import com.vaadin.flow.component.DetachEvent;
import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.orderedlayout.FlexComponent;
import com.vaadin.flow.component.orderedlayout.HorizontalLayout;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.component.select.Select;
import com.vaadin.flow.router.BeforeEnterEvent;
import com.vaadin.flow.router.BeforeEnterObserver;
import com.vaadin.flow.router.HasDynamicTitle;
import com.vaadin.flow.router.NotFoundException;
import com.vaadin.flow.router.Route;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.Optional;
import lab.grokking.server.labs.ClassResults;
import lab.grokking.server.labs.Lab;
import lab.grokking.server.labs.LabService;
import lab.grokking.web.Services;
import lab.grokking.web.shared.Poller;

/**
 * The teacher's page of a lab (opened with the teacher key, {@code ?key=}): every submission live, the class's
 * curves, the class as one sweep, and the teacher's actions (close, hide a run, share with students, CSV). Without
 * the right key it is the router's 404, the page of an unknown route, so it never says whether the lab exists.
 */
@Route("lab/:id/results")
public class ClassResultsView extends VerticalLayout implements BeforeEnterObserver, HasDynamicTitle {
    /** How often the page re-reads the results: students submit at any time. */
    static final int POLL_MILLIS = 1500;

    private final LabService labs = Services.current().server().labs();
    private Lab lab;
    private String title = "Lab results";
    private final Paragraph state = new Paragraph();
    private final Button close = new Button("Close the lab");
    private final Select<Lab.Share> share = new Select<>();
    private ClassPanel panel;
    private final Poller poller = new Poller(POLL_MILLIS, this::refresh);

    @Override
    public void beforeEnter(BeforeEnterEvent e) {
        removeAll();
        poller.stop(getUI());
        lab = null;
        Optional<Lab> found = labs.get(e.getRouteParameters().get("id").orElse(""));
        String key =
                e.getLocation().getQueryParameters().getSingleParameter("key").orElse("");
        if (found.isEmpty() || !labs.isTeacher(found.get(), key)) {
            e.rerouteToError(NotFoundException.class);
            return;
        }
        lab = found.get();
        build(key);
    }

    @Override
    public String getPageTitle() {
        return title + " · Grokking Lab";
    }

    private void build(String key) {
        title = "Results: " + lab.title();
        H2 h = new H2(title);
        h.setId("results-title");
        Anchor student = new Anchor("lab/" + lab.id(), "The students' page");
        Paragraph instructions = new Paragraph(lab.instructions());
        instructions.setId("instructions");
        state.setId("lab-state");

        close.setId("close-lab");
        close.addThemeVariants(ButtonVariant.ERROR);
        close.addClickListener(ev -> {
            labs.close(lab);
            refresh();
        });
        share.setId("share");
        share.setLabel("Results for students");
        share.setWidth("22em");
        share.setItems(Lab.Share.values());
        share.setItemLabelGenerator(LabText::share);
        share.setValue(lab.share());
        share.addValueChangeListener(ev -> {
            if (ev.isFromClient() && ev.getValue() != null) {
                labs.share(lab, ev.getValue());
                refresh();
            }
        });
        Anchor csv = new Anchor(
                "/api/labs/" + lab.id() + "/results.csv?key=" + URLEncoder.encode(key, StandardCharsets.UTF_8),
                "Export CSV");
        csv.setRouterIgnore(true);
        csv.setId("export-csv");
        csv.getElement().setAttribute("download", "");
        HorizontalLayout actions = new HorizontalLayout(close, share, csv);
        actions.setDefaultVerticalComponentAlignment(FlexComponent.Alignment.BASELINE);
        actions.setWrap(true);

        panel = new ClassPanel(Services.current().runs(), lab.id(), LabText.task(lab), (runId, hidden) -> {
            labs.hide(lab, runId, hidden);
            refresh();
        });
        add(new Anchor("", "← All experiments"), h, student, instructions, state, actions, panel);
        refresh();
        getUI().ifPresent(poller::start); // a reused view: onAttach has run already
    }

    private void refresh() {
        labs.get(lab.id()).ifPresent(l -> lab = l);
        ClassResults r = labs.results(lab);
        state.setText(LabText.state(lab, r.runs().size(), System.currentTimeMillis()));
        close.setEnabled(!lab.closed());
        if (share.getValue() != lab.share()) share.setValue(lab.share());
        panel.show(r);
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
