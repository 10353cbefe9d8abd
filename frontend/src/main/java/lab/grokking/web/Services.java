package lab.grokking.web;

import com.vaadin.flow.server.VaadinServlet;
import lab.grokking.server.GrokLabServer;
import lab.grokking.server.ServerConfig;
import lab.grokking.server.runs.RunService;
import lab.grokking.server.sweeps.SweepService;

/** The run and sweep services the views talk to: the same objects the API serves, handed over as a servlet-context attribute. */
public record Services(GrokLabServer server) {
    static final String ATTRIBUTE = Services.class.getName();

    public static Services current() {
        return (Services) VaadinServlet.getCurrent().getServletContext().getAttribute(ATTRIBUTE);
    }

    public RunService runs() {
        return server.runs();
    }

    public SweepService sweeps() {
        return server.sweeps();
    }

    public ServerConfig config() {
        return server.config();
    }
}
