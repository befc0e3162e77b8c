package vtoe.tb.rtlcfg;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.stream.Stream;

/**
 * What a configuration build is made from, as one hash: a build whose stamp holds another hash is
 * rebuilt. Files and folders are hashed by relative name and content (so a rebuild of the checkout that
 * rewrites identical class files changes nothing), plus facts that are not files (tool versions).
 *
 * <p>For a checkout ({@link #of}): the compiled RTL ({@code rtl/target/classes/vtoe/rtl}: what the
 * elaborator actually runs, so an edited but uncompiled source does not pretend to be built), the rtl
 * module's classpath (Chisel and firtool versions), the native sources of the co-simulation and its JNI
 * headers, the port-table generator, the Verilator version and the build recipe's own version.
 *
 * @param trees files or folders whose content counts (a missing one counts as missing)
 * @param facts anything else that changes the build
 */
public record BuildInputs(List<Path> trees, List<String> facts) {
    /** Bumped when the build recipe ({@link RtlBuilder}) changes what it produces. */
    static final String RECIPE = "rtl-builds 1";

    public BuildInputs {
        trees = List.copyOf(trees);
        facts = List.copyOf(facts);
    }

    public static BuildInputs of(Path root) {
        List<String> facts = new ArrayList<>();
        facts.add(RECIPE);
        facts.add("verilator " + RtlBuilder.verilatorVersion());
        facts.add("TopTableGenerator " + classHash(vtoe.cosim.build.TopTableGenerator.class));
        return new BuildInputs(List.of(root.resolve("rtl/target/classes/vtoe/rtl"), root.resolve("rtl/target/classpath.txt"),
                root.resolve("cosim/src/main/native"), root.resolve("cosim/target/native/include")), facts);
    }

    /** SHA-256 over every tree and fact, in hex. */
    public String hash() {
        MessageDigest md = sha256();
        for (Path t : trees) {
            md.update(("tree " + t.getFileName() + "\n").getBytes(StandardCharsets.UTF_8));
            if (!Files.exists(t)) {
                md.update("missing\n".getBytes(StandardCharsets.UTF_8));
                continue;
            }
            try (Stream<Path> all = Files.walk(t)) {
                for (Path f : all.filter(Files::isRegularFile).sorted().toList()) {
                    md.update((t.relativize(f) + "\n").getBytes(StandardCharsets.UTF_8));
                    md.update(Files.readAllBytes(f));
                }
            } catch (IOException e) {
                throw new UncheckedIOException("cannot hash " + t, e);
            }
        }
        for (String f : facts) {
            md.update(("fact " + f + "\n").getBytes(StandardCharsets.UTF_8));
        }
        return HexFormat.of().formatHex(md.digest());
    }

    private static String classHash(Class<?> c) {
        try (InputStream in = c.getResourceAsStream(c.getSimpleName() + ".class")) {
            if (in == null) {
                return "unknown";
            }
            return HexFormat.of().formatHex(sha256().digest(in.readAllBytes()));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    private static MessageDigest sha256() {
        try {
            return MessageDigest.getInstance("SHA-256");
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
