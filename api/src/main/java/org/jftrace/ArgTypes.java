package org.jftrace;

/**
 * The declared-type checks behind {@link Regs}' typed reads: a parameter's sort ({@code Z B C S I
 * J F D}, or {@code L} for a class, interface or array type) comes from the traced method's
 * descriptor, which {@link Ftrace#lookup} gives for {@link Regs#ip()}.
 */
final class ArgTypes {
    private ArgTypes() {
    }

    /**
     * Checks that argument {@code index} of {@code regs} exists and that its sort is one of
     * {@code sorts}.
     *
     * @throws IndexOutOfBoundsException for an index outside {@code [0, argCount())}
     * @throws FtraceException           EINVAL if the sort is another
     */
    static void check(Regs regs, int index, String read, String sorts) {
        int n = regs.argCount();
        if (index < 0 || index >= n) {
            throw new IndexOutOfBoundsException("argument " + index + " of " + n);
        }
        FunctionInfo f = Ftrace.lookup(regs.ip()).orElse(null);
        char sort = f != null ? sortAt(f.descriptor(), index) : sortOfValue(regs.arg(index));
        if (sorts.indexOf(sort) < 0) {
            String method = f != null ? f.signature() : "0x" + Long.toHexString(regs.ip());
            throw new FtraceException(Errno.EINVAL, "argument " + index + " of " + method + " is "
                    + (f != null ? "a " + typeAt(f.parameters(), index) : "of sort " + sort) + ": " + read
                    + " reads " + accepted(sorts) + "; read it with " + (sort == 'L' ? "refArg" : readOf(sort))
                    + " or arg");
        }
    }

    /** {@return the value of a boxed {@code int}, {@code short}, {@code char} or {@code byte}, widened} */
    static int integral(Object box) {
        return box instanceof Character ? (Character) box : ((Number) box).intValue();
    }

    /** {@return the sort of parameter {@code index} of method descriptor {@code descriptor}} */
    static char sortAt(String descriptor, int index) {
        int i = 1;
        for (int p = 0; ; p++) {
            char c = descriptor.charAt(i);
            if (c == ')') {
                throw new IndexOutOfBoundsException("argument " + index + " of " + p + " in " + descriptor);
            }
            int start = i;
            while (descriptor.charAt(i) == '[') {
                i++;
            }
            if (descriptor.charAt(i) == 'L') {
                i = descriptor.indexOf(';', i);
            }
            i++;
            if (p == index) {
                return i - start > 1 ? 'L' : c;
            }
        }
    }

    /** The sort of a value as {@link Regs#arg} boxes it; only for an ip the function table does not know. */
    private static char sortOfValue(Object v) {
        if (v instanceof Integer) {
            return 'I';
        } else if (v instanceof Long) {
            return 'J';
        } else if (v instanceof Boolean) {
            return 'Z';
        } else if (v instanceof Byte) {
            return 'B';
        } else if (v instanceof Short) {
            return 'S';
        } else if (v instanceof Character) {
            return 'C';
        } else if (v instanceof Float) {
            return 'F';
        } else if (v instanceof Double) {
            return 'D';
        }
        return 'L';
    }

    private static String typeAt(String parameters, int index) {
        String[] types = parameters.substring(1, parameters.length() - 1).split(",");
        return index < types.length ? types[index] : "?";
    }

    private static String accepted(String sorts) {
        if (sorts.equals("L")) {
            return "parameters of a reference type";
        }
        StringBuilder b = new StringBuilder("parameters of type ");
        for (int i = 0; i < sorts.length(); i++) {
            if (i > 0) {
                b.append(i == sorts.length() - 1 ? " or " : ", ");
            }
            b.append(primitive(sorts.charAt(i)));
        }
        return b.toString();
    }

    private static String readOf(char sort) {
        return primitive(sort) + "Arg";
    }

    private static String primitive(char sort) {
        switch (sort) {
            case 'Z': return "boolean";
            case 'B': return "byte";
            case 'C': return "char";
            case 'S': return "short";
            case 'I': return "int";
            case 'J': return "long";
            case 'F': return "float";
            default: return "double";
        }
    }
}
