package lab.grokking;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;

import com.tngtech.archunit.base.DescribedPredicate;
import com.tngtech.archunit.core.domain.JavaMethodCall;
import com.tngtech.archunit.core.importer.ImportOption;
import com.tngtech.archunit.junit.AnalyzeClasses;
import com.tngtech.archunit.junit.ArchTest;
import com.tngtech.archunit.lang.ArchRule;
import java.io.File;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.Set;

@AnalyzeClasses(packages = "lab.grokking", importOptions = ImportOption.DoNotIncludeTests.class)
class ArchitectureTest {
    /** The training core is a library: no web, UI or CLI code, so every client (CLI, API, dashboard) shares it. */
    @ArchTest
    static final ArchRule coreImportsNoWebOrUiCode = noClasses()
            .that()
            .resideInAPackage("lab.grokking.core..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage(
                    "io.javalin..",
                    "com.vaadin..",
                    "org.eclipse.jetty..",
                    "jakarta.servlet..",
                    "picocli..",
                    "java.awt..",
                    "javax.imageio..",
                    "lab.grokking.cli..",
                    "lab.grokking.server..",
                    "lab.grokking.web..",
                    "lab.grokking.ui..",
                    "java.sql..",
                    "com.github.benmanes..");

    /** The run service knows the core and nothing of the CLI or the views. */
    @ArchTest
    static final ArchRule serverImportsNoCliOrUi = noClasses()
            .that()
            .resideInAPackage("lab.grokking.server..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("lab.grokking.cli..", "picocli..", "com.vaadin..", "java.awt..");

    /**
     * No path is ever built from user input (MLflow's path-traversal CVEs): the code that handles requests never
     * touches the file system; only the store (the configured data directory) and the settings do.
     */
    @ArchTest
    static final ArchRule requestHandlingBuildsNoPaths = noClasses()
            .that()
            .resideInAnyPackage(
                    "lab.grokking.server.api..",
                    "lab.grokking.server.runs..",
                    "lab.grokking.server.labs..",
                    "lab.grokking.server.sweeps..",
                    "lab.grokking.server.queue..")
            .should()
            .dependOnClassesThat()
            .belongToAnyOf(
                    Path.class, Paths.class, Files.class, File.class, FileInputStream.class, FileOutputStream.class);

    /** Tasks, API and streams reach storage only through the RunStore interface, so another store can replace SQLite. */
    @ArchTest
    static final ArchRule onlyTheStoreTouchesSql = noClasses()
            .that()
            .resideOutsideOfPackage("lab.grokking.server.store..")
            .should()
            .dependOnClassesThat()
            .resideInAnyPackage("java.sql..", "org.sqlite..");

    /**
     * Math.exp/log/pow may differ by an ulp between JVMs and CPUs (intrinsics); StrictMath is specified bit for
     * bit, so the same config and seed give the same numbers on any machine. (sqrt is exact in both.)
     */
    @ArchTest
    static final ArchRule coreUsesStrictMathForTranscendentals = noClasses()
            .that()
            .resideInAPackage("lab.grokking.core..")
            .should()
            .callMethodWhere(DescribedPredicate.describe(
                    "Math.exp/log/log1p/log10/pow/expm1/sin/cos/tanh",
                    (JavaMethodCall call) -> call.getTargetOwner().isEquivalentTo(Math.class)
                            && Set.of(
                                            "exp", "log", "log1p", "log10", "pow", "expm1", "sin", "cos", "tan", "tanh",
                                            "sinh", "cosh", "atan2", "cbrt", "hypot")
                                    .contains(call.getName())));
}
