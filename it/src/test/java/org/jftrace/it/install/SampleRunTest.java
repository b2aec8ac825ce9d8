package org.jftrace.it.install;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.jftrace.it.ForkedJvm;
import org.junit.jupiter.api.Test;

/**
 * The README's first command: the bundled sample run with the agent. It hooks its own method and
 * HashMap.get with a callback that prints (println, during class loading too), and must print each
 * call with its parent, then nothing once unregistered. (A build whose transformer ran JDK code
 * outside the recursion guard made that callback fail with ClassCircularityError.)
 */
class SampleRunTest {
    @Test
    void theSampleRunsAsTheReadmeSays() throws Exception {
        Path agent = ForkedJvm.agentJar();
        Path sample = agent.getParent().getParent().getParent().resolve("sample/target/jftrace-sample.jar");
        assertTrue(Files.isRegularFile(sample), "the sample jar is built before the integration tests: " + sample);
        List<String> cmd = new ArrayList<>(List.of(ForkedJvm.javaBin(), "-javaagent:" + agent, "-jar", sample.toString()));
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        String out = new String(p.getInputStream().readAllBytes());
        assertTrue(p.waitFor(120, TimeUnit.SECONDS), out);
        assertEquals(0, p.exitValue(), out);
        assertTrue(out.contains("calls with the hook:"), out);
        assertTrue(out.contains("org.jftrace.sample.Inventory.add(java.lang.String,int) <-org.jftrace.sample.SampleApp.main("), out);
        assertTrue(out.contains("java.util.HashMap.get(java.lang.Object) <-org.jftrace.sample.Inventory.add("), out);
        assertTrue(out.contains("after unregister: 0 callbacks; apples = 4; enabled_functions now has 0 entries"), out);
        assertTrue(!out.contains("Error") && !out.contains("Exception"), out);
    }
}
