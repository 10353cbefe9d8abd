package lab.grokking.web.shared;

import com.vaadin.flow.component.UI;
import com.vaadin.flow.component.html.Div;
import com.vaadin.flow.server.ServiceInitEvent;
import com.vaadin.flow.server.VaadinServiceInitListener;
import lab.grokking.server.runs.RunService;
import lab.grokking.web.Services;

/**
 * A banner above every view while the server's health is degraded (a full disk, a corrupt store): what is wrong and
 * what it means for the user's runs. Checked on every navigation, from the same health the API reports.
 */
public final class HealthBanner implements VaadinServiceInitListener {
    @Override
    public void serviceInit(ServiceInitEvent event) {
        event.getSource().addUIInitListener(e -> {
            UI ui = e.getUI();
            Div banner = new Div();
            banner.setId("health-banner");
            banner.addClassName("health-banner");
            banner.getElement().setAttribute("role", "alert");
            banner.setVisible(false);
            ui.addComponentAtIndex(0, banner);
            ui.addAfterNavigationListener(nav -> {
                String text = text(Services.current().runs().health());
                banner.setText(text == null ? "" : text);
                banner.setVisible(text != null);
            });
        });
    }

    /** The banner's text; null when the server is healthy. */
    public static String text(RunService.Health h) {
        if (h.ok()) return null;
        StringBuilder b = new StringBuilder("The server is degraded: ")
                .append(String.join("; ", h.problems()))
                .append('.');
        if (h.paused() > 0)
            b.append(" ")
                    .append(h.paused())
                    .append(h.paused() == 1 ? " run is" : " runs are")
                    .append(" paused at their last checkpoint and resume by themselves.");
        if (!h.acceptsRuns()) b.append(" New runs are refused until it recovers; finished runs can still be read.");
        return b.toString();
    }
}
