package vtoe.cosim;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.File;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * How the native library is found and what a person is told when it is not: each case runs in a
 * fresh JVM, since a JVM loads a library once.
 *
 * <p>Run just this: {@code mvn -pl cosim test -Dtest=NativeLibraryTest}
 */
class NativeLibraryTest {
    static String runJvm(String classpath, String... props) throws Exception {
        List<String> cmd = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString()));
        cmd.addAll(List.of(props));
        cmd.addAll(List.of("-cp", classpath, NativeLibrary.class.getName()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        p.waitFor();
        return "exit=" + p.exitValue() + "\n" + out;
    }

    static String classesOnly() {
        // The module's own classes directory holds the library as a resource: strip it by pointing at
        // the test classes plus the main classes' parent jar-free path instead.
        return System.getProperty("java.class.path");
    }

    @Test
    void buildOutputIsFoundWithoutConfiguration() throws Exception {
        String out = runJvm(classesOnly());
        assertThat(out).startsWith("exit=0").contains("libvtoe_cosim.so").contains("tops:").contains("FetchTop");
    }

    @Test
    void aBadOverrideFailsWithoutFallingBack() throws Exception {
        String out = runJvm(classesOnly(), "-Dvtoe.lib=/nonexistent/libvtoe_cosim.so");
        assertThat(out).startsWith("exit=1").contains("-Dvtoe.lib=/nonexistent/libvtoe_cosim.so");
    }

    @Test
    void missingLibraryListsEveryPlaceTried() throws Exception {
        // A classpath with the Java classes but not the library resource.
        String cp = System.getProperty("java.class.path");
        List<String> kept = new ArrayList<>();
        for (String e : cp.split(File.pathSeparator)) {
            if (!e.endsWith("classes") || e.endsWith("test-classes")) {
                kept.add(e);
            }
        }
        Path stripped = Path.of("target", "loader-test-classes");
        copyClasses(Path.of("target", "classes"), stripped);
        kept.add(stripped.toString());
        String out = runJvm(String.join(File.pathSeparator, kept), "-Djava.library.path=/nonexistent");
        assertThat(out).startsWith("exit=1")
                .contains("cannot load the vtoe co-simulation library")
                .contains("-Dvtoe.lib (not set)")
                .contains("classpath resource /native/linux-x86_64/libvtoe_cosim.so (absent")
                .contains("System.loadLibrary(\"vtoe_cosim\")");
    }

    static void copyClasses(Path from, Path to) throws Exception {
        try (var files = java.nio.file.Files.walk(from)) {
            for (Path f : files.toList()) {
                if (f.toString().endsWith(".class")) {
                    Path dst = to.resolve(from.relativize(f));
                    java.nio.file.Files.createDirectories(dst.getParent());
                    java.nio.file.Files.copy(f, dst, java.nio.file.StandardCopyOption.REPLACE_EXISTING);
                }
            }
        }
    }
}
