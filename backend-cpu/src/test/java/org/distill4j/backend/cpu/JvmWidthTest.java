package org.distill4j.backend.cpu;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import java.util.Locale;

import org.junit.jupiter.api.Test;

/**
 * The backend-cpu suite also runs in JVMs asked for another vector width
 * ({@code -Ddistill4j.test.width=avx2} with {@code -XX:UseAVX=2}, {@code 128} with
 * {@code -XX:MaxVectorSize=16}; see the module's pom). Such a JVM must really have that width, or
 * the run would repeat the default one while claiming to cover another.
 */
class JvmWidthTest {

    @Test
    void theJvmHasTheVectorWidthThisRunAskedFor() {
        String width = System.getProperty("distill4j.test.width", "default");
        assumeTrue(VectorSupport.usable(), () -> "skipped: " + VectorSupport.problem());
        VectorMachine here = VectorMachine.detect(VectorSupport.lanes());
        System.out.println("backend-cpu tests (" + width + " run): " + here.describe());
        boolean x86 = here.arch().equals("amd64") || here.arch().equals("x86_64");
        switch (width) {
            case "avx2" -> {
                assumeTrue(x86 && VectorMachine.hotSpotFlag("UseAVX").orElse(0) == 2,
                        () -> "skipped: -XX:UseAVX=2 has no effect here (" + here.describe() + ")");
                assertEquals(8, here.lanes());
                assertEquals(16, here.registers());
            }
            case "128" -> {
                assumeTrue(x86 || here.arch().toLowerCase(Locale.ROOT).equals("aarch64"),
                        () -> "skipped: unknown architecture " + here.arch());
                assertEquals(4, here.lanes(), here.describe());
            }
            default -> assertEquals(VectorSupport.lanes(), here.lanes());
        }
    }
}
