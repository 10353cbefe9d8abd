package lab.grokking.web.home;

import com.vaadin.flow.component.button.Button;
import com.vaadin.flow.component.button.ButtonVariant;
import com.vaadin.flow.component.details.Details;
import com.vaadin.flow.component.html.Anchor;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.component.html.H1;
import com.vaadin.flow.component.html.H2;
import com.vaadin.flow.component.html.H3;
import com.vaadin.flow.component.html.Paragraph;
import com.vaadin.flow.component.html.Span;
import com.vaadin.flow.component.orderedlayout.VerticalLayout;
import com.vaadin.flow.router.PageTitle;
import com.vaadin.flow.router.Route;
import java.util.Locale;
import lab.grokking.web.Services;
import lab.grokking.web.run.RunTitles;
import lab.grokking.web.run.RunView;
import lab.grokking.web.shared.Gallery;
import lab.grokking.web.shared.Submit;
import lab.grokking.web.sweep.SweepForm;

/** The preset gallery: one card per paper figure and classroom preset, each one click from running. */
@Route("")
@PageTitle("Grokking Lab")
public class HomeView extends VerticalLayout {
    public HomeView() {
        Services s = Services.current();
        add(new H1("Grokking Lab"));
        add(new Paragraph(
                "Lyu et al. (ICLR 2024) prove that a large initialisation and a small weight decay keep a network on its "
                        + "kernel (early) predictor until about step ln(α)/(λη), then switch it sharply to the min-norm / max-margin (late) "
                        + "predictor. Pick an experiment; the classroom presets run in seconds to minutes here."));
        add(new Anchor("compare", "Compare runs"), new Anchor("classroom", "Build a classroom lab"));
        var recent = s.runs()
                .reads()
                .list(Submit.client(), null, null, 0, 8); // this browser's client only: run ids are share links
        if (!recent.isEmpty()) {
            add(new H2("Your recent runs"));
            Div links = new Div();
            links.setId("recent-runs");
            for (var r : recent)
                links.add(new Div(new Anchor(
                        "run/" + r.id(),
                        RunTitles.of(r.task(), RunView.readConfig(r.config())) + " — "
                                + r.status().name().toLowerCase(Locale.ROOT))));
            add(links);
        }
        for (Gallery.Section sec : Gallery.sections(s.runs())) {
            add(new H2(sec.title()));
            Div cards = new Div();
            cards.addClassName("cards");
            for (Gallery.Card c : sec.cards()) cards.add(card(c));
            add(cards);
        }
        add(new H2("Sweeps: the law across a grid"));
        add(new Paragraph("A sweep runs a grid of experiments (and seeds) and colours each by its outcome; its page "
                + "fits the switch step against ln(α)/(λη)."));
        var mine = s.sweeps().list(Submit.client());
        if (!mine.isEmpty()) {
            Div links = new Div();
            links.setId("my-sweeps");
            for (var w : mine.subList(0, Math.min(mine.size(), 8)))
                links.add(new Div(new Anchor("sweep/" + w.id(), w.title() + (w.done() ? "" : " — running"))));
            add(links);
        }
        add(new SweepForm());
    }

    private Div card(Gallery.Card c) {
        Div card = new Div();
        card.addClassName("card");
        card.getElement().setAttribute("data-preset", c.id());
        Details more = new Details("Details", new Paragraph(c.description()));
        card.add(new H3(c.title()), new Paragraph(c.phenomenon()), more);
        Span time = new Span(c.expected());
        time.addClassName("expected");
        card.add(time);
        if (c.overLimits() != null) {
            Span why = new Span(c.overLimits());
            why.addClassName("over-limits");
            card.add(why);
        } else {
            Button run = new Button("Run", e -> Submit.preset(c.id()));
            run.addThemeVariants(ButtonVariant.PRIMARY);
            run.getElement().setAttribute("aria-label", "Run " + c.title());
            card.add(run);
        }
        Anchor configure = new Anchor("configure?preset=" + c.id(), "Configure");
        configure.getElement().setAttribute("aria-label", "Configure " + c.title());
        card.add(configure);
        return card;
    }
}
