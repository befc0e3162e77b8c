package vtoe.tb.mutate;

import java.io.File;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import vtoe.tb.FileTree;
import vtoe.tb.rtlcfg.RtlBuild;
import vtoe.tb.rtlcfg.RtlBuildException;
import vtoe.tb.rtlcfg.RtlBuilds;
import vtoe.tb.rtlcfg.RtlConfig;

/**
 * Makes a mutant's co-simulation library in {@code target/mutate/<id>/}:
 * <ol>
 *   <li>{@code src/}: a copy of {@code rtl/src/main/scala} with the mutation made ({@link MutantCatalogue#apply});</li>
 *   <li>{@code classes/}: the mutated file compiled by scalac (with the Chisel plugin, as rtl/pom.xml compiles) against
 *       the checkout's compiled RTL. Only that file: a mutant changes the body of a module, never a signature other
 *       files compile against, so its classes replace the originals one for one, in seconds instead of the minute a
 *       full compile takes;</li>
 *   <li>{@code build/}: elaborated (every top, default parameters), Verilated and compiled by the configuration cache
 *       ({@link RtlBuilds#withOverlay}) with {@code classes/} first on the elaborator's classpath.</li>
 * </ol>
 * The baseline is the same recipe with no mutation (an empty {@code classes/}), so the un-mutated design is judged by
 * the very library a mutant would be. Each step is skipped while its inputs are unchanged. A mutant that does not
 * compile, elaborate, Verilate or build is stillborn ({@link Stillborn}).
 */
final class MutantBuilder {
    private final Path root;
    private final Path work;
    private final PrintStream out;

    /** {@code work}: where the mutants' folders go ({@code target/mutate}). */
    MutantBuilder(Path root, Path work, PrintStream out) {
        this.root = root;
        this.work = work;
        this.out = out;
    }

    /** The folder of a mutant ({@code null}: the baseline). */
    Path dir(Mutant m) {
        return work.resolve(m == null ? "baseline" : m.id());
    }

    /** Builds (or finds up to date) the library of {@code m}, or of the un-mutated design for null. */
    RtlBuild build(Mutant m) throws Stillborn, IOException, InterruptedException {
        Path dir = dir(m);
        Path src = dir.resolve("src");
        Path classes = dir.resolve("classes");
        Files.createDirectories(dir);
        FileTree.delete(src);
        Path sources = root.resolve(MutantCatalogue.SOURCES);
        copyTree(sources, src);
        Files.createDirectories(classes);
        if (m != null) {
            Path f = MutantCatalogue.apply(m, src);
            compile(m, f, classes, dir.resolve("scalac.log"));
        }
        try {
            return RtlBuilds.withOverlay(root, dir.resolve("build"), classes, out).get(RtlConfig.defaults());
        } catch (RtlBuildException e) {
            // The un-mutated design built with the same toolchain, so a mutant's failure at any step is the mutant's: a
            // change can also break the C++ the co-simulation generates around the model (M54 merged the two clock
            // gates, and rise() named a gate that was gone).
            if (m != null) {
                throw new Stillborn(e.step() + " failed: " + String.join(" / ", e.getMessage().lines().filter(l -> !l.isBlank()).skip(1)
                        .limit(4).map(String::strip).toList()) + " (log: " + e.log() + ")");
            }
            throw e;
        }
    }

    private static void copyTree(Path from, Path to) throws IOException {
        try (Stream<Path> all = Files.walk(from)) {
            for (Path p : all.toList()) {
                Path t = to.resolve(from.relativize(p).toString());
                if (Files.isDirectory(p)) {
                    Files.createDirectories(t);
                } else {
                    Files.copy(p, t);
                }
            }
        }
    }

    /** scalac on the one mutated file, unless {@code classes} holds it compiled from the same text. */
    private void compile(Mutant m, Path file, Path classes, Path log) throws Stillborn, IOException, InterruptedException {
        String text = Files.readString(file, StandardCharsets.UTF_8);
        Path stamp = classes.resolve(".source.sha256");
        String sha = sha256(text + "\n" + String.join(File.pathSeparator, compilerClasspath()));
        if (Files.exists(stamp) && Files.readString(stamp).equals(sha)) {
            out.printf("%s: %s compiled already%n", m.id(), file.getFileName());
            return;
        }
        FileTree.delete(classes);
        Files.createDirectories(classes);
        Path rtl = root.resolve("rtl/target");
        String cp = rtl.resolve("classes") + File.pathSeparator + Files.readString(rtl.resolve("classpath.txt")).strip();
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(), "-Xss8m", "-cp",
                String.join(File.pathSeparator, compilerClasspath()), "scala.tools.nsc.Main", "-d", classes.toString(), "-classpath", cp,
                "-Xplugin:" + chiselPlugin(), "-language:reflectiveCalls", "-Ymacro-annotations", "-deprecation", "-feature", "-nowarn",
                file.toString()));
        long t0 = System.nanoTime();
        out.printf("%s: compiling %s (scalac; log: %s)%n", m.id(), file.getFileName(), log);
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile()).start();
        if (!p.waitFor(15, TimeUnit.MINUTES)) {
            p.destroyForcibly().waitFor();
            throw new IOException("scalac took more than 15 minutes on " + file + " (log: " + log + ")");
        }
        if (p.exitValue() != 0) {
            List<String> errs = Files.readAllLines(log).stream().filter(l -> l.contains("error")).limit(3).toList();
            throw new Stillborn("scalac refused it: " + String.join(" / ", errs));
        }
        Files.writeString(stamp, sha);
        out.printf("%s: compiled in %.0f s%n", m.id(), (System.nanoTime() - t0) / 1e9);
    }

    /** scala-compiler, -library and -reflect of the Scala version the rtl module compiles with, from the local Maven repository. */
    List<String> compilerClasspath() throws IOException {
        String cp = Files.readString(root.resolve("rtl/target/classpath.txt"));
        Matcher lib = Pattern.compile("([^" + File.pathSeparator + "]*)/org/scala-lang/scala-library/([^/]+)/scala-library-[^/]+\\.jar").matcher(cp);
        if (!lib.find()) {
            throw new IOException("rtl/target/classpath.txt names no scala-library jar: compile the rtl module first");
        }
        String repo = lib.group(1);
        String v = lib.group(2);
        List<String> jars = new ArrayList<>();
        for (String a : List.of("scala-compiler", "scala-library", "scala-reflect")) {
            Path j = Path.of(repo, "org/scala-lang", a, v, a + "-" + v + ".jar");
            if (!Files.exists(j)) {
                throw new IOException(j + " is missing: the Scala compiler the rtl module builds with (run the Maven build once)");
            }
            jars.add(j.toString());
        }
        return jars;
    }

    /** The Chisel compiler plugin of the Chisel and Scala versions on the rtl classpath. */
    String chiselPlugin() throws IOException {
        String cp = Files.readString(root.resolve("rtl/target/classpath.txt"));
        Matcher ch = Pattern.compile("([^" + File.pathSeparator + "]*)/org/chipsalliance/chisel_2\\.13/([^/]+)/").matcher(cp);
        Matcher lib = Pattern.compile("/org/scala-lang/scala-library/([^/]+)/").matcher(cp);
        if (!ch.find() || !lib.find()) {
            throw new IOException("rtl/target/classpath.txt names no chisel or scala-library jar: compile the rtl module first");
        }
        String name = "chisel-plugin_" + lib.group(1);
        Path j = Path.of(ch.group(1), "org/chipsalliance", name, ch.group(2), name + "-" + ch.group(2) + ".jar");
        if (!Files.exists(j)) {
            throw new IOException(j + " is missing: the Chisel plugin the rtl module compiles with (run the Maven build once)");
        }
        return j.toString();
    }

    private static String sha256(String s) {
        try {
            return HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
