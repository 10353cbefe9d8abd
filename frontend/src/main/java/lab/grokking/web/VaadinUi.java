package lab.grokking.web;

import java.io.File;
import java.io.IOException;
import java.net.MalformedURLException;
import java.net.URI;
import java.net.URISyntaxException;
import java.net.URL;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.jar.JarFile;
import lab.grokking.server.GrokLabServer;
import lab.grokking.server.WebUi;
import org.eclipse.jetty.ee10.webapp.MetaInfConfiguration;
import org.eclipse.jetty.ee10.webapp.WebAppContext;
import org.eclipse.jetty.http.HttpCookie;
import org.eclipse.jetty.server.handler.ContextHandler;
import org.eclipse.jetty.util.resource.ResourceFactory;

/** The Vaadin dashboard as a web app at "/" inside the API server's Jetty (one JVM, one port). */
public final class VaadinUi implements WebUi {
    @Override
    public ContextHandler handler(GrokLabServer server) {
        exposeManifestClassPath();
        WebAppContext ctx = new WebAppContext();
        URL marker = VaadinUi.class.getResource("/webapp/ROOT");
        String u = marker.toExternalForm();
        try { // ResourceFactory.root(): the context's own factory closes the jar file system under Javalin.stop()
            ctx.setBaseResource(ResourceFactory.root()
                    .newResource(URI.create(u.substring(0, u.length() - "ROOT".length()))
                            .toURL()));
        } catch (MalformedURLException e) {
            throw new IllegalStateException(e);
        }
        ctx.setContextPath("/");
        ctx.setThrowUnavailableOnStartupException(true);
        // Vaadin's servlet initializers live in jars and in the frontend's classes: scan both
        ctx.setAttribute(MetaInfConfiguration.CONTAINER_JAR_PATTERN, ".*\\.jar|.*/classes/.*");
        ctx.setConfigurationDiscovered(true);
        ctx.setAttribute(Services.ATTRIBUTE, new Services(server));
        ctx.setInitParameter("productionMode", "true");
        // Vaadin's session cookie: no script reads it, and no other site's request carries it (a link from
        // elsewhere opens a fresh session, which holds nothing but UI state: runs belong to the client address)
        ctx.getSessionHandler().setHttpOnly(true);
        ctx.getSessionHandler().setSameSite(HttpCookie.SameSite.STRICT);
        return ctx;
    }

    /**
     * Under {@code java -jar} the class path property names only the app's jar (its manifest names lib/*), but
     * Jetty finds Vaadin's servlet initializers by scanning the jars that property lists: add the manifest's.
     */
    private static void exposeManifestClassPath() {
        try {
            Path self = Path.of(VaadinUi.class
                    .getProtectionDomain()
                    .getCodeSource()
                    .getLocation()
                    .toURI());
            if (!Files.isRegularFile(self)) return; // classes directory (tests, IDE): the class path is complete
            String cp;
            try (JarFile jar = new JarFile(self.toFile())) {
                cp = jar.getManifest() == null
                        ? null
                        : jar.getManifest().getMainAttributes().getValue("Class-Path");
            }
            if (cp == null) return;
            Set<Path> have = new LinkedHashSet<>();
            for (String p : System.getProperty("java.class.path").split(File.pathSeparator))
                have.add(Path.of(p).toAbsolutePath().normalize());
            for (String entry : cp.trim().split("\\s+"))
                have.add(self.resolveSibling(entry).toAbsolutePath().normalize());
            System.setProperty(
                    "java.class.path",
                    String.join(
                            File.pathSeparator,
                            have.stream().map(Path::toString).toList()));
        } catch (IOException | URISyntaxException e) {
            throw new IllegalStateException("cannot read the app jar's manifest", e);
        }
    }
}
