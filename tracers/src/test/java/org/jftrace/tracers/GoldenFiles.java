package org.jftrace.tracers;

import static org.junit.jupiter.api.Assertions.assertNotNull;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

/** The golden files of the tracers' text tests: resources beside the test class. */
public final class GoldenFiles {
    private GoldenFiles() {
    }

    /** {@return golden file {@code name}, a resource in the package of {@code test}} */
    public static String read(Class<?> test, String name) throws IOException {
        try (InputStream in = test.getResourceAsStream(name)) {
            assertNotNull(in, name);
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        }
    }
}
