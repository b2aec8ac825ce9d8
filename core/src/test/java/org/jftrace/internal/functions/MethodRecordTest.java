package org.jftrace.internal.functions;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.jftrace.internal.filter.FilterList;
import org.jftrace.internal.glob.Glob;
import org.junit.jupiter.api.Test;

class MethodRecordTest {
    private static final ClassRecord OWNER = new ClassRecord("com.acme.Foo", null, false, "acme.jar", null, 52, null);

    @Test
    void namesAndParametersAreMadeFromTheDescriptorOnFirstUseAndKept() {
        MethodRecord m = new MethodRecord(7, OWNER, "put", "(I[Ljava/lang/String;J[[D)Ljava/lang/Object;", 12, null);
        assertEquals("com.acme.Foo.put", m.functionName());
        assertEquals("(int,java.lang.String[],long,double[][])", m.parameters());
        assertSame(m.functionName(), m.functionName());
        assertSame(m.parameters(), m.parameters());
        assertEquals("com.acme.Foo.put(int,java.lang.String[],long,double[][])", m.toString());
        assertEquals("(int,java.lang.String[],long,double[][])", m.info().parameters());
    }

    @Test
    void globsWithParametersMatchTheLazyList() {
        MethodRecord m = new MethodRecord(8, OWNER, "run", "()V", 3, null);
        assertTrue(new FilterList.Entry(Glob.parse("com.acme.Foo.run()"), false).matches(m));
        assertTrue(!new FilterList.Entry(Glob.parse("com.acme.Foo.run(int)"), false).matches(m));
    }
}
