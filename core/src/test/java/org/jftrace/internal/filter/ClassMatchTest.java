package org.jftrace.internal.filter;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;

import org.jftrace.internal.functions.ClassRecord;
import org.jftrace.internal.functions.MethodRecord;
import org.jftrace.internal.glob.Glob;
import org.junit.jupiter.api.Test;

/**
 * The registry's class-name test for its walks over loaded classes ({@link ClassMatch})
 * answers exactly as the filter's own {@code mayMatchClass}: its set lookup for literal patterns
 * and ips is a shortcut, not a different rule.
 */
class ClassMatchTest {
    private static final List<String> PATTERNS = List.of(
            "org.jftrace.it.stress.StressWork.<init>", "java.util.HashMap.get", "java.util.HashMap.get(java.lang.Object)",
            "java.util.HashMap.get:mod:java.base", "!java.util.HashMap.get", "com.acme.Outer$Inner.run",
            "com.acme.Weird\\*Name.run", "com.acme.Dot\\.Name.run", "java.util.*Map.put", "java.util.HashMap.*",
            "*", "*:mod:java.base", ":mod:guava-*", "java.util.HashMap.", "java.util.HashMap", "foo", ".foo",
            "java.util.Hash[MS]ap.get", "java.util.HashMap.?et", "com.acme.Foo.[!a-m]*");

    private static final List<String> CLASSES = List.of(
            "org.jftrace.it.stress.StressWork", "java.util.HashMap", "java.util.HashSet", "java.util.TreeMap",
            "java.util", "java.util.HashMap$Node", "com.acme.Outer$Inner", "com.acme.Outer", "com.acme.Weird*Name",
            "com.acme.WeirdXName", "com.acme.Dot.Name", "com.acme.Foo", "java", "foo", "", "[Ljava.lang.String;",
            "int", "java.util.HashMap.get");

    @Test
    void oneEntryAnswersAsTheEntry() {
        for (String p : PATTERNS) {
            FilterList.Entry e = new FilterList.Entry(Glob.parse(p), false);
            ClassMatch m = ClassMatch.of(e);
            for (String c : CLASSES) {
                assertEquals(e.mayMatchClass(c), m.test(c), p + " on " + c);
            }
        }
    }

    @Test
    void aFilterAnswersAsTheFilterAndEmptyMeansEveryClass() {
        FilterList list = FilterList.EMPTY;
        for (String c : CLASSES) {
            assertTrue(ClassMatch.of(list).test(c), "an empty filter is every method");
        }
        for (String p : PATTERNS) {
            list = list.plus(new FilterList.Entry(Glob.parse(p), false));
            ClassMatch m = ClassMatch.of(list);
            for (String c : CLASSES) {
                assertEquals(list.mayMatchClass(c), m.test(c), list + " on " + c);
            }
        }
    }

    @Test
    void anIpNamesItsClass() {
        ClassRecord owner = new ClassRecord("com.acme.Foo", null, false, "", null, 52, null);
        MethodRecord m = new MethodRecord(1, owner, "run", "()V", 1, null);
        FilterList list = FilterList.EMPTY.plus(new FilterList.Entry(m, false))
                .plus(new FilterList.Entry(Glob.parse("java.util.*Map.put"), false));
        for (String c : CLASSES) {
            assertEquals(list.mayMatchClass(c), ClassMatch.of(list).test(c), c);
        }
    }

    @Test
    void literalClassIsWhatPrecedesTheLastDot() {
        assertEquals("java.util.HashMap", ClassMatch.literalClass("java.util.HashMap.get"));
        assertNull(ClassMatch.literalClass("java.util.HashMap."));
        assertNull(ClassMatch.literalClass("foo"));
        assertNull(ClassMatch.literalClass(".foo"));
        assertNull(ClassMatch.literalClass(null));
    }
}
