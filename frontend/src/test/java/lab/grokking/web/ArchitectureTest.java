package lab.grokking.web;

import static com.tngtech.archunit.lang.syntax.ArchRuleDefinition.noClasses;
import static org.junit.jupiter.api.Assertions.assertFalse;

import com.tngtech.archunit.core.domain.JavaClasses;
import com.tngtech.archunit.core.importer.ClassFileImporter;
import com.tngtech.archunit.core.importer.ImportOption;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.Paths;
import java.util.List;
import java.util.stream.Stream;
import lab.grokking.core.task.TaskSpec;
import lab.grokking.core.task.TaskSpecs;
import org.junit.jupiter.api.Test;

/** The dashboard is a client of the run service: it never touches the store's SQL, the training internals or a task's own package. */
class ArchitectureTest {
    static final JavaClasses WEB = new ClassFileImporter()
            .withImportOption(ImportOption.Predefined.DO_NOT_INCLUDE_TESTS)
            .importPackages("lab.grokking.web");

    @Test
    void viewsUseTheRunServiceNotTheStoreOrSql() {
        noClasses()
                .that()
                .resideInAPackage("lab.grokking.web..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage("java.sql..", "org.sqlite..", "lab.grokking.server.api..")
                .allowEmptyShould(false)
                .because("views go through RunService and LabService, like the API")
                .check(WEB);
        noClasses()
                .that()
                .resideInAPackage("lab.grokking.web..")
                .should()
                .dependOnClassesThat()
                .haveFullyQualifiedName("lab.grokking.server.store.SqliteRunStore")
                .check(WEB);
    }

    @Test
    void viewsDoNotRunTrainingThemselves() {
        // every task's own package (its spec's), whatever tasks are registered
        Stream<String> tasks = TaskSpecs.all().stream().map(s -> s.getClass().getPackageName() + "..");
        String[] forbidden = Stream.concat(tasks, Stream.of("lab.grokking.core.linalg..", "lab.grokking.core.solve.."))
                .toArray(String[]::new);
        noClasses()
                .that()
                .resideInAPackage("lab.grokking.web..")
                .should()
                .dependOnClassesThat()
                .resideInAnyPackage(forbidden)
                .because(
                        "runs are queued by the service, never trained on a request thread; what a task shows comes from its spec")
                .check(WEB);
    }

    /** One task, one package: the views read everything task-specific from the task specs, so no view source names a task. */
    @Test
    void noViewNamesATask() throws IOException {
        List<Path> sources;
        try (Stream<Path> files = Files.walk(Path.of("src/main/java"))) {
            sources = files.filter(f -> f.toString().endsWith(".java")).toList();
        }
        assertFalse(sources.isEmpty(), "run from the frontend module");
        for (Path f : sources) {
            String text = Files.readString(f);
            for (TaskSpec<?> spec : TaskSpecs.all())
                assertFalse(text.contains("\"" + spec.name() + "\""), f + " names the task \"" + spec.name() + "\"");
        }
    }

    @Test
    void viewsBuildNoPathsFromUserInput() {
        noClasses()
                .that()
                .resideInAnyPackage(
                        "lab.grokking.web.home..",
                        "lab.grokking.web.run..",
                        "lab.grokking.web.configure..",
                        "lab.grokking.web.compare..",
                        "lab.grokking.web.classroom..",
                        "lab.grokking.web.sweep..",
                        "lab.grokking.web.shared..")
                .should()
                .dependOnClassesThat()
                .belongToAnyOf(Path.class, Paths.class, Files.class, File.class)
                .because("a view never turns a URL or a field into a file path")
                .check(WEB);
    }
}
