package vtoe.model.sim;

import java.io.File;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

/**
 * Finding a tool on a search path, as a shell would: the external tools the project drives (tshark, ccache, ip)
 * are looked up here rather than each caller splitting PATH its own way. Written here because the JDK has no
 * {@code which}, and a library for these few lines would be one more dependency.
 */
public final class Executables {
    private Executables() {}

    /** The first executable file {@code tool} in the directories of {@code searchPath} (null: none), then in {@code extra}. */
    public static Optional<Path> find(String tool, String searchPath, List<String> extra) {
        if (searchPath != null) {
            for (String dir : searchPath.split(File.pathSeparator)) {
                Path p = Path.of(dir.isEmpty() ? "." : dir, tool);
                if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                    return Optional.of(p);
                }
            }
        }
        for (String dir : extra) {
            Path p = Path.of(dir, tool);
            if (Files.isRegularFile(p) && Files.isExecutable(p)) {
                return Optional.of(p);
            }
        }
        return Optional.empty();
    }

    /** {@code tool} on this process's PATH. */
    public static Optional<Path> onPath(String tool) {
        return find(tool, System.getenv("PATH"), List.of());
    }
}
