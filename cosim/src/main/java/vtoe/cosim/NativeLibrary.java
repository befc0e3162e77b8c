package vtoe.cosim;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.util.ArrayList;
import java.util.List;

/**
 * Loads libvtoe_cosim.so the way zstd-jni does: the {@code -Dvtoe.lib=<path>} override first, then
 * the build output on the classpath ({@code /native/linux-x86_64/libvtoe_cosim.so}, extracted to a
 * temporary file when it sits inside a jar), then {@code System.loadLibrary("vtoe_cosim")}. When all
 * fail, the error lists every place tried and why.
 */
public final class NativeLibrary {
    public static final String PROPERTY = "vtoe.lib";
    static final String RESOURCE = "/native/linux-x86_64/libvtoe_cosim.so";
    private static volatile String loadedFrom;

    private NativeLibrary() {}

    /** Prints where the library comes from and which tops it holds; exit 1 with the reasons if it cannot load. */
    public static void main(String[] args) {
        try {
            System.out.println("loaded " + load());
            System.out.println("tops: " + NativeSim.topNames());
        } catch (UnsatisfiedLinkError e) {
            System.err.println(e.getMessage());
            System.exit(1);
        }
    }

    /** Where the library was loaded from, loading it if needed. */
    public static synchronized String load() {
        if (loadedFrom != null) {
            return loadedFrom;
        }
        List<String> tried = new ArrayList<>();
        String override = System.getProperty(PROPERTY);
        if (override != null && !override.isBlank()) {
            Path p = Path.of(override).toAbsolutePath();
            try {
                System.load(p.toString());
                return loadedFrom = p.toString();
            } catch (UnsatisfiedLinkError e) {
                // An explicit override that fails must not silently fall back to another build.
                throw new UnsatisfiedLinkError("cannot load the vtoe co-simulation library from -D" + PROPERTY + "="
                        + override + ": " + e.getMessage());
            }
        }
        tried.add("-D" + PROPERTY + " (not set)");
        var url = NativeLibrary.class.getResource(RESOURCE);
        if (url != null) {
            try {
                if (url.getProtocol().equals("file")) {
                    Path p = Path.of(url.toURI());
                    System.load(p.toString());
                    return loadedFrom = p.toString();
                }
                Path tmp = Files.createTempFile("libvtoe_cosim", ".so");
                tmp.toFile().deleteOnExit();
                try (InputStream in = url.openStream()) {
                    Files.copy(in, tmp, StandardCopyOption.REPLACE_EXISTING);
                }
                System.load(tmp.toString());
                return loadedFrom = url + " (extracted to " + tmp + ")";
            } catch (UnsatisfiedLinkError | IOException | java.net.URISyntaxException e) {
                tried.add("classpath " + url + ": " + e.getMessage());
            }
        } else {
            tried.add("classpath resource " + RESOURCE + " (absent: the cosim module has not been built)");
        }
        try {
            System.loadLibrary("vtoe_cosim");
            return loadedFrom = "java.library.path";
        } catch (UnsatisfiedLinkError e) {
            tried.add("System.loadLibrary(\"vtoe_cosim\") on java.library.path=" + System.getProperty("java.library.path")
                    + ": " + e.getMessage());
        }
        throw new UnsatisfiedLinkError("cannot load the vtoe co-simulation library. Build it with ./scripts/test "
                + "or 'mvn -pl cosim -am package', or point -D" + PROPERTY + " at libvtoe_cosim.so. Tried:\n  - "
                + String.join("\n  - ", tried));
    }
}
