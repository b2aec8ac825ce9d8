package org.jftrace.it.api;

import static org.jftrace.it.api.ApiSupport.expectErrno;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;

import org.jftrace.EnabledFunction;
import org.jftrace.Errno;
import org.jftrace.Ftrace;
import org.jftrace.LivePatch;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** LivePatch as a plain user of the public API, and the public redirect check it uses. */
class LivePatchApiTest {

    /** The patched target and its replacements (an application class). */
    static final class Tax {
        static int rate(int amount) {
            return amount / 10;
        }

        static int fixedRate(int amount) {
            return amount / 5;
        }

        static String wrong(String s) {
            return s;
        }
    }

    static final String RATE = "org.jftrace.it.api.LivePatchApiTest$Tax.rate";
    static final String FIXED = "org.jftrace.it.api.LivePatchApiTest$Tax.fixedRate";
    static final String WRONG = "org.jftrace.it.api.LivePatchApiTest$Tax.wrong";

    @BeforeAll
    static void load() {
        Tax.rate(0);
        Tax.fixedRate(0);
        Tax.wrong("");
    }

    @Test
    // replace, direct link in enabled_functions, undo by object and by name
    void replaceAndUndo() {
        LivePatch p = LivePatch.replace(RATE, FIXED);
        try {
            assertEquals(20, Tax.rate(100));
            EnabledFunction line = ApiSupport.line(RATE);
            assertNotNull(line);
            assertEquals(1, line.opsCount());
            assertTrue(line.toString().contains("direct-->"), line.toString());
            expectErrno(Errno.EBUSY, () -> LivePatch.replace(RATE, FIXED));
        } finally {
            p.undo();
        }
        assertEquals(10, Tax.rate(100));
        assertNull(ApiSupport.line(RATE));
        p.undo(); // idempotent

        LivePatch.replace(RATE, FIXED);
        assertEquals(20, Tax.rate(100));
        assertTrue(LivePatch.undo(RATE));
        assertFalse(LivePatch.undo(RATE));
        assertEquals(10, Tax.rate(100));
        assertTrue(LivePatch.active().isEmpty());
    }

    @Test
    // the public check refuses a misfit with EINVAL and changes nothing; a fit passes
    void checkRedirectIsPublic() {
        long rate = Ftrace.lookupIp(RATE);
        Ftrace.checkRedirect(rate, Ftrace.lookupIp(FIXED));
        assertTrue(expectErrno(Errno.EINVAL, () -> Ftrace.checkRedirect(rate, Ftrace.lookupIp(WRONG)))
                .getMessage().length() > 0);
        expectErrno(Errno.EINVAL, () -> Ftrace.checkRedirect(Ftrace.UNKNOWN_IP, rate));
        expectErrno(Errno.EINVAL, () -> LivePatch.replace(RATE, WRONG));
        assertNull(ApiSupport.line(RATE), "a refused patch hooks nothing");
        assertEquals(10, Tax.rate(100));
    }

    @Test
    // LivePatch's class file names no org.jftrace.internal class
    void livePatchUsesOnlyThePublicApi() throws IOException {
        try (InputStream in = LivePatch.class.getResourceAsStream("LivePatch.class")) {
            String constants = new String(in.readAllBytes(), StandardCharsets.ISO_8859_1);
            assertFalse(constants.contains("org/jftrace/internal"), "LivePatch refers to an internal class");
        }
    }
}
