package vtoe.tb.junit;

import java.util.List;
import java.util.stream.LongStream;
import java.util.stream.Stream;
import org.junit.jupiter.api.extension.Extension;
import org.junit.jupiter.api.extension.ExtensionContext;
import org.junit.jupiter.api.extension.ParameterContext;
import org.junit.jupiter.api.extension.ParameterResolver;
import org.junit.jupiter.api.extension.TestExecutionExceptionHandler;
import org.junit.jupiter.api.extension.TestTemplateInvocationContext;
import org.junit.jupiter.api.extension.TestTemplateInvocationContextProvider;

/**
 * Gives every {@link SeededTest} invocation one seed, shows it in the display name
 * ({@code [3] seed=0x...}), hands the test a {@link SimRun}, and on failure prints one
 * {@code REPRODUCE:} line that re-runs exactly that case (and attaches it to the failure).
 */
public final class SeedExtension implements TestTemplateInvocationContextProvider {
    /** Default master seed: fixed so that ./scripts/test runs the same cases every time. */
    public static final long DEFAULT_MASTER = 0x5eed_0f_7e57L;
    private static volatile Long master;

    @Override
    public boolean supportsTestTemplate(ExtensionContext context) {
        return context.getRequiredTestMethod().isAnnotationPresent(SeededTest.class);
    }

    @Override
    public Stream<TestTemplateInvocationContext> provideTestTemplateInvocationContexts(ExtensionContext context) {
        String cls = context.getRequiredTestClass().getSimpleName();
        String method = context.getRequiredTestMethod().getName();
        String one = System.getProperty("seed");
        if (one != null && !one.isBlank()) {
            return Stream.of(invocation(SimRun.of(cls, method, parse(one)), 1));
        }
        int n = Integer.getInteger("seeds", context.getRequiredTestMethod().getAnnotation(SeededTest.class).value());
        long m = masterSeed();
        return LongStream.range(0, n).mapToObj(i -> invocation(SimRun.of(cls, method, derive(m, cls, method, i)), (int) i + 1));
    }

    /** The master seed of this JVM, printed once. */
    public static synchronized long masterSeed() {
        if (master == null) {
            String s = System.getProperty("seed.master");
            long m = s == null || s.isBlank() ? DEFAULT_MASTER
                    : s.equals("random") ? System.nanoTime() ^ Runtime.getRuntime().freeMemory() * 0x9E3779B97F4A7C15L : parse(s);
            System.out.println("seed.master=0x" + Long.toHexString(m) + " (repeat this set with -Dseed.master=0x"
                    + Long.toHexString(m) + ")");
            master = m;
        }
        return master;
    }

    /** SplitMix64 of (master, test, index): stable per test, independent across tests. */
    public static long derive(long master, String cls, String method, long index) {
        long z = master ^ ((cls + "#" + method).hashCode() * 0xC2B2AE3D27D4EB4FL) ^ (index * 0x9E3779B97F4A7C15L);
        z = (z ^ (z >>> 30)) * 0xBF58476D1CE4E5B9L;
        z = (z ^ (z >>> 27)) * 0x94D049BB133111EBL;
        return z ^ (z >>> 31);
    }

    public static long parse(String s) {
        String t = s.strip().toLowerCase();
        return t.startsWith("0x") ? Long.parseUnsignedLong(t.substring(2), 16) : Long.parseLong(t);
    }

    private static TestTemplateInvocationContext invocation(SimRun run, int index) {
        return new TestTemplateInvocationContext() {
            @Override
            public String getDisplayName(int invocationIndex) {
                return "[" + index + "] seed=" + run.seedHex();
            }

            @Override
            public List<Extension> getAdditionalExtensions() {
                return List.of(new RunResolver(run), new Reproducer(run));
            }
        };
    }

    private record RunResolver(SimRun run) implements ParameterResolver {
        @Override
        public boolean supportsParameter(ParameterContext p, ExtensionContext e) {
            return p.getParameter().getType() == SimRun.class;
        }

        @Override
        public Object resolveParameter(ParameterContext p, ExtensionContext e) {
            return run;
        }
    }

    private record Reproducer(SimRun run) implements TestExecutionExceptionHandler {
        @Override
        public void handleTestExecutionException(ExtensionContext context, Throwable t) throws Throwable {
            String line = "REPRODUCE: " + run.reproduce();
            System.err.println(context.getDisplayName() + " of " + run.testClass() + "#" + run.method() + " failed\n" + line);
            if (t.getMessage() == null || !t.getMessage().contains("REPRODUCE:")) {
                t.addSuppressed(new ReproduceHint(line));
            }
            throw t;
        }
    }

    /** Carries the REPRODUCE line into the failure report. */
    static final class ReproduceHint extends RuntimeException {
        private static final long serialVersionUID = 1L;

        ReproduceHint(String line) {
            super(line, null, false, false);
        }
    }
}
