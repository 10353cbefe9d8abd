package lab.grokking.cli;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.CountDownLatch;
import lab.grokking.core.MetricTable;
import lab.grokking.core.Provenance;
import lab.grokking.core.RunResult;
import lab.grokking.core.RunStatus;
import lab.grokking.core.config.ConfigException;
import lab.grokking.core.config.Configs;
import lab.grokking.core.config.Limits;
import lab.grokking.core.config.Presets;
import lab.grokking.core.config.RunConfig;
import lab.grokking.core.task.Durations;
import lab.grokking.core.task.Estimates;
import lab.grokking.server.GrokLabServer;
import lab.grokking.server.ServerConfig;
import lab.grokking.server.store.Backups;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** The runnable jar: the server ({@code serve}) and the headless CLI. */
@Command(
        name = "grokking-lab",
        mixinStandardHelpOptions = true,
        versionProvider = Main.Version.class,
        description =
                "Reproduce the experiments of Lyu et al. (ICLR 2024), 'Dichotomy of Early and Late Phase Implicit Biases Can Provably Induce Grokking'.",
        subcommands = {
            Main.Serve.class,
            Main.Reproduce.class,
            Main.Run.class,
            SweepCommand.class,
            Main.ListPresets.class,
            Main.Backup.class,
            Main.Restore.class
        })
public final class Main {
    public static void main(String[] args) {
        System.setProperty("java.awt.headless", "true");
        System.exit(commandLine().execute(args));
    }

    static CommandLine commandLine() {
        return new CommandLine(new Main()).setExecutionExceptionHandler((e, cmd, parsed) -> {
            if (e instanceof ConfigException c) {
                cmd.getErr().println("invalid config: " + c.getMessage());
                return 2;
            }
            // expected failures (I/O, a predictor solver that cannot certify, a bad system property): one line, no
            // trace
            if (e instanceof IOException
                    || e instanceof UncheckedIOException
                    || e instanceof IllegalArgumentException
                    || e instanceof IllegalStateException) {
                cmd.getErr().println("error: " + e.getMessage());
                return 1;
            }
            throw e;
        });
    }

    @Command(
            name = "serve",
            description =
                    "Start the server: the dashboard, the API and live streams on one port (settings: config/app.properties, GROKLAB_PORT, GROKLAB_DATA_DIR).")
    static final class Serve implements Callable<Integer> {
        @Override
        public Integer call() throws Exception {
            GrokLabServer server = GrokLabServer.start(
                    cfg -> { // after the settings load, before anything trains
                        if (cfg.clusterEnabled) GrokLabServer.capTrainingThreads();
                    });
            var cfg = server.config();
            String base = (cfg.keyStore != null ? "https" : "http") + "://localhost:" + server.port();
            System.err.printf(
                    "Grokking Lab %s: %sAPI %s/api (data: %s, %d workers)%n",
                    Provenance.CODE_VERSION,
                    server.dashboard() ? "dashboard " + base + "/, " : "",
                    base,
                    cfg.dataDir.toAbsolutePath(),
                    cfg.workers);
            CountDownLatch stopped = new CountDownLatch(1);
            Runtime.getRuntime()
                    .addShutdownHook(new Thread(
                            () -> { // SIGTERM/SIGINT: checkpoint running runs, then exit
                                server.close();
                                stopped.countDown();
                            },
                            "groklab-shutdown"));
            stopped.await();
            return 0;
        }
    }

    @Command(
            name = "reproduce",
            description = "Run the preset of a paper figure and write metrics.csv, run.json and figure.png.")
    static final class Reproduce implements Callable<Integer> {
        @Parameters(
                paramLabel = "FIGURE",
                description =
                        "a paper figure with a preset: fig1a (grokking), fig1b (misgrokking), fig2a (modular addition), fig2b (… over the init scale α), fig2c (… over the weight decay λ), fig3 (grokking in matrix completion), fig4 (modular addition without weight decay); see the presets command")
        String figure;

        @Option(
                names = "--scale",
                defaultValue = "classroom",
                description = "paper or classroom (default: ${DEFAULT-VALUE})")
        String scale;

        @Option(names = "--seed", description = "overrides the preset's seed")
        Long seed;

        @Option(names = "--steps", description = "overrides the preset's number of steps")
        Long steps;

        @Option(names = "--out", description = "output directory (default: out/FIGURE-SCALE-seedN)")
        Path out;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            List<Presets.Preset> series = Presets.series(figure, scale);
            List<RunConfig> configs = new ArrayList<>();
            for (Presets.Preset p : series) { // validate every member before the first one starts
                var cfg = p.config().deepCopy();
                if (seed != null) cfg.put("seed", seed);
                if (steps != null) cfg.put("steps", steps);
                configs.add(withinLimits(Configs.parse(cfg)));
            }
            if (series.size() == 1) {
                RunConfig rc = configs.getFirst();
                return execute(
                        rc,
                        series.getFirst().title(),
                        out != null ? out : Path.of("out", series.getFirst().id() + "-seed" + rc.seed()),
                        spec);
            }
            // a series figure (Fig. 2b over α, Fig. 2c over λ): each member in its own folder, then one overlay figure
            Path dir = out != null
                    ? out
                    : Path.of(
                            "out",
                            figure + "-" + scale + "-seed" + configs.getFirst().seed());
            List<String> labels = SeriesOutput.labels(configs);
            List<MetricTable> tables = new ArrayList<>();
            int worst = 0;
            for (int i = 0; i < series.size(); i++) {
                Path member = dir.resolve(series.get(i).id());
                int rc = execute(configs.get(i), series.get(i).title(), member, spec);
                worst = Math.max(worst, rc);
                tables.add(SeriesOutput.read(member));
            }
            SeriesOutput.write(
                    dir,
                    series.getFirst().title().replaceAll(":.*", "") + " — " + scale,
                    labels,
                    tables,
                    spec.commandLine().getErr());
            return worst;
        }
    }

    @Command(name = "run", description = "Run a config file (JSON; fields missing from it take the task's defaults).")
    static final class Run implements Callable<Integer> {
        @Option(names = "--config", required = true, description = "config JSON file")
        Path config;

        @Option(names = "--out", description = "output directory (default: out/run-seedN)")
        Path out;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() throws Exception {
            String text = configText(config);
            RunConfig rc = withinLimits(Configs.parse(text));
            return execute(rc, rc.task() + " run", out != null ? out : Path.of("out", "run-seed" + rc.seed()), spec);
        }
    }

    @Command(name = "presets", description = "List the presets.")
    static final class ListPresets implements Callable<Integer> {
        @Override
        public Integer call() {
            for (Presets.Preset p : Presets.all())
                System.out.printf("%-16s %-6s %-10s %s%n", p.id(), p.figure(), p.scale(), p.title());
            return 0;
        }
    }

    /** {@code --data-dir}, shared by the commands that work on a data directory without a server. */
    static final class DataDirOption {
        @Option(
                names = "--data-dir",
                paramLabel = "DIR",
                description =
                        "the data directory (default: the server's, GROKLAB_DATA_DIR or dataDir in config/app.properties)")
        Path dir;

        Path resolve() {
            return dataDir(dir);
        }
    }

    @Command(
            name = "backup",
            description =
                    "Copy the run store (DATA_DIR/runs.db) to a new file: one consistent snapshot, also while a server is running and writing.")
    static final class Backup implements Callable<Integer> {
        @Option(
                names = "--out",
                required = true,
                paramLabel = "FILE",
                description = "the file to write; must not exist")
        Path out;

        @CommandLine.Mixin
        DataDirOption dataDir;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Backups.Written w = Backups.backup(dataDir.resolve(), out);
            spec.commandLine()
                    .getOut()
                    .printf(
                            "wrote %s: %s, %d run%s, in %d ms%n",
                            w.file(), bytes(w.bytes()), w.runs(), w.runs() == 1 ? "" : "s", w.millis());
            return 0;
        }
    }

    @Command(
            name = "restore",
            description =
                    "Replace the run store (DATA_DIR/runs.db) by a backup; the server must be stopped, and the current runs.db is kept as runs.db.before-restore-STAMP.")
    static final class Restore implements Callable<Integer> {
        @Parameters(
                paramLabel = "FILE",
                description = "a backup written by the backup command or the server's schedule")
        Path file;

        @CommandLine.Mixin
        DataDirOption dataDir;

        @CommandLine.Spec
        CommandLine.Model.CommandSpec spec;

        @Override
        public Integer call() {
            Backups.Restored r = Backups.restore(dataDir.resolve(), file);
            var out = spec.commandLine().getOut();
            out.printf("restored %s into %s (%d run%s)%n", file, r.runsDb(), r.runs(), r.runs() == 1 ? "" : "s");
            if (r.keptAside() != null) out.printf("the previous store is kept as %s%n", r.keptAside());
            out.println("start the server: unfinished runs resume from their last checkpoints");
            return 0;
        }
    }

    /** The option, else the directory the server would use. */
    private static Path dataDir(Path option) {
        return option != null ? option : ServerConfig.load(System.getenv()).dataDir;
    }

    /** The text of a --config file, or a ConfigException saying why it cannot be read. */
    static String configText(Path config) throws IOException {
        if (!Files.isRegularFile(config)) throw new ConfigException("--config", "no such file: " + config);
        try {
            return Files.readString(config);
        } catch (CharacterCodingException e) {
            throw new ConfigException("--config", "not UTF-8 text: " + config);
        }
    }

    private static String bytes(long n) {
        if (n < 1024) return n + " bytes";
        if (n < 1024 * 1024) return String.format("%.1f KiB", n / 1024.0);
        return String.format("%.1f MiB", n / (1024.0 * 1024));
    }

    /** The CLI runs under the default limits (system properties groklab.maxMemoryMb, groklab.maxWork). */
    private static RunConfig withinLimits(RunConfig rc) {
        rc.validate(Limits.DEFAULT);
        return rc;
    }

    private static int execute(RunConfig rc, String title, Path dir, CommandLine.Model.CommandSpec spec)
            throws Exception {
        var err = spec.commandLine().getErr();
        try {
            Files.createDirectories(dir);
        } catch (IOException e) {
            throw new ConfigException("--out", "cannot create output directory " + dir + ": " + e.getMessage());
        }
        if (!Files.isWritable(dir)) throw new ConfigException("--out", "output directory is not writable: " + dir);
        err.printf("%s: %s, seed %d, %d steps → %s%n", title, rc.task(), rc.seed(), rc.steps(), dir);
        err.printf(
                "estimated time on this machine: %s%n",
                Durations.human(Estimates.inMemory().seconds(rc)));
        RunResult r;
        Map<String, Object> snapshots;
        try (LiveOutput live = new LiveOutput(dir, new ProgressBar(System.err))) {
            r = rc.newTask().run(live);
            snapshots = live.snapshotsDescription();
        }
        RunWriter.write(r, title, dir, snapshots);
        err.println(r.message() + "; wrote " + dir.resolve("metrics.csv") + ", run.json, figure.png");
        return r.status() == RunStatus.FINISHED ? 0 : 3;
    }

    static final class Version implements CommandLine.IVersionProvider {
        @Override
        public String[] getVersion() {
            return new String[] {"grokking-lab " + Provenance.CODE_VERSION};
        }
    }
}
