package vtoe.tb.junit;

import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;
import org.junit.jupiter.api.TestTemplate;
import org.junit.jupiter.api.extension.ExtendWith;

/**
 * A random test run once per seed. The method takes a {@link SimRun} parameter carrying the seed.
 * Seeds are derived from the master seed ({@code -Dseed.master}, fixed by default so CI is
 * repeatable; {@code -Dseed.master=random} draws a new one and prints it), the class and the method,
 * so adding a test does not change another's seeds. {@code -Dseed=0x...} runs just that seed;
 * {@code -Dseeds=N} changes how many are run.
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@TestTemplate
@ExtendWith(SeedExtension.class)
public @interface SeededTest {
    /** Seeds to run when neither -Dseed nor -Dseeds is given. */
    int value() default 8;
}
