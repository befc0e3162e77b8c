package vtoe.cosim;

import java.lang.invoke.MethodHandle;
import java.lang.invoke.MethodHandles;
import java.lang.invoke.MethodType;
import java.lang.reflect.RecordComponent;
import java.util.Arrays;
import java.util.List;
import vtoe.model.txn.Bytes;

/**
 * Converts a transaction record to a port's payload words and back, matching record components to
 * RTL fields by name. Built once per port; a record that does not fit its port (a field missing on
 * either side, or too narrow a Java type) fails here with both field lists, so RTL/Java drift shows
 * at the first {@code Dut.open}, not as a wrong value later.
 *
 * <p>Types: {@code boolean} for 1-bit fields, {@code int} up to 32 bits, {@code long} up to 64,
 * {@link Bytes} for any whole number of bytes (little-endian, byte 0 in bits 7..0).
 */
public final class RecordCodec<T extends Record> {
    private enum Kind {
        BOOL, INT, LONG, BYTES
    }

    private final Class<T> type;
    private final PortInfo port;
    private final FieldInfo[] fields;
    private final Kind[] kinds;
    private final MethodHandle[] getters;
    private final MethodHandle decoder; // (long[] words, int offset) -> Object: reads every field and constructs

    private RecordCodec(Class<T> type, PortInfo port) {
        this.type = type;
        this.port = port;
        RecordComponent[] rc = type.getRecordComponents();
        List<String> recordNames = Arrays.stream(rc).map(RecordComponent::getName).toList();
        List<String> portNames = port.fields().stream().map(FieldInfo::name).toList();
        if (!recordNames.stream().sorted().toList().equals(portNames.stream().sorted().toList())) {
            throw new IllegalArgumentException("record " + type.getSimpleName() + " does not match port " + port.name()
                    + " of the RTL: record has " + recordNames + ", port has " + portNames);
        }
        fields = new FieldInfo[rc.length];
        kinds = new Kind[rc.length];
        getters = new MethodHandle[rc.length];
        Class<?>[] ctorTypes = new Class<?>[rc.length];
        MethodHandles.Lookup lookup = MethodHandles.publicLookup();
        try {
            for (int i = 0; i < rc.length; i++) {
                fields[i] = port.field(rc[i].getName());
                Class<?> t = rc[i].getType();
                ctorTypes[i] = t;
                int w = fields[i].width();
                kinds[i] = kindOf(t, w, rc[i].getName());
                getters[i] = lookup.unreflect(rc[i].getAccessor()).asType(MethodType.methodType(Object.class, Object.class));
            }
            // One method handle per record type that reads each field from the words and calls the
            // canonical constructor: no argument array and no boxing per decoded transaction.
            MethodHandle ctor = lookup.findConstructor(type, MethodType.methodType(void.class, ctorTypes));
            int[] reorder = new int[2 * rc.length];
            for (int i = 0; i < rc.length; i++) {
                // parameter i becomes (words, offset) read by its field's reader
                ctor = MethodHandles.collectArguments(ctor, 2 * i, reader(kinds[i], fields[i].wordOffset(), fields[i].width() / 8));
                reorder[2 * i] = 0;
                reorder[2 * i + 1] = 1;
            }
            decoder = MethodHandles.permuteArguments(ctor,
                    MethodType.methodType(type, long[].class, int.class), reorder)
                    .asType(MethodType.methodType(Object.class, long[].class, int.class));
        } catch (ReflectiveOperationException e) {
            throw new IllegalArgumentException("record " + type.getName() + " must be public with a public canonical constructor", e);
        }
    }

    private static final MethodHandle WORD;
    private static final MethodHandle PLUS;
    private static final MethodHandle NON_ZERO;
    private static final MethodHandle LOW_INT;
    private static final MethodHandle BYTES_OF_LONGS;

    static {
        try {
            MethodHandles.Lookup l = MethodHandles.lookup();
            WORD = MethodHandles.arrayElementGetter(long[].class);
            PLUS = l.findStatic(RecordCodec.class, "plus", MethodType.methodType(int.class, int.class, int.class));
            NON_ZERO = l.findStatic(RecordCodec.class, "nonZero", MethodType.methodType(boolean.class, long.class));
            LOW_INT = l.findStatic(RecordCodec.class, "lowInt", MethodType.methodType(int.class, long.class));
            BYTES_OF_LONGS = l.findStatic(Bytes.class, "ofLongs", MethodType.methodType(Bytes.class, long[].class, int.class, int.class));
        } catch (ReflectiveOperationException e) {
            throw new ExceptionInInitializerError(e);
        }
    }

    private static int plus(int a, int b) {
        return a + b;
    }

    private static boolean nonZero(long v) {
        return v != 0;
    }

    private static int lowInt(long v) {
        return (int) v;
    }

    /** (long[] words, int offset) -> the field's value, as decode defines it per kind. */
    private static MethodHandle reader(Kind kind, int wordOffset, int nBytes) {
        MethodHandle at = MethodHandles.insertArguments(PLUS, 1, wordOffset); // offset -> offset + wordOffset
        return switch (kind) {
            case BOOL -> MethodHandles.filterReturnValue(MethodHandles.filterArguments(WORD, 1, at), NON_ZERO);
            case INT -> MethodHandles.filterReturnValue(MethodHandles.filterArguments(WORD, 1, at), LOW_INT);
            case LONG -> MethodHandles.filterArguments(WORD, 1, at);
            case BYTES -> MethodHandles.filterArguments(MethodHandles.insertArguments(BYTES_OF_LONGS, 2, nBytes), 1, at);
        };
    }

    private Kind kindOf(Class<?> t, int w, String name) {
        if (t == boolean.class && w == 1) {
            return Kind.BOOL;
        }
        if (t == int.class && w <= 32) {
            return Kind.INT;
        }
        if (t == long.class && w <= 64) {
            return Kind.LONG;
        }
        if (t == Bytes.class && w % 8 == 0) {
            return Kind.BYTES;
        }
        throw new IllegalArgumentException("field " + port.name() + "." + name + " is " + w + " bits wide; "
                + type.getSimpleName() + "." + name + " is a " + t.getSimpleName()
                + " (use boolean for 1 bit, int up to 32, long up to 64, Bytes for whole bytes)");
    }

    public static <T extends Record> RecordCodec<T> of(Class<T> type, PortInfo port) {
        return new RecordCodec<>(type, port);
    }

    public PortInfo port() {
        return port;
    }

    public void encode(T txn, long[] words, int offset) {
        try {
            for (int i = 0; i < fields.length; i++) {
                Object v = getters[i].invokeExact((Object) txn);
                int at = offset + fields[i].wordOffset();
                int w = fields[i].width();
                switch (kinds[i]) {
                    case BOOL -> words[at] = (Boolean) v ? 1 : 0;
                    case INT -> words[at] = Integer.toUnsignedLong((Integer) v) & mask(w);
                    case LONG -> words[at] = (Long) v & mask(w);
                    case BYTES -> {
                        Bytes b = (Bytes) v;
                        if (b.length() != w / 8) {
                            throw new IllegalArgumentException(port.name() + "." + fields[i].name() + " takes " + w / 8
                                    + " bytes, got " + b.length());
                        }
                        b.toLongs(words, at, fields[i].words());
                    }
                }
            }
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    public T decode(long[] words, int offset) {
        try {
            return type.cast((Object) decoder.invokeExact(words, offset));
        } catch (RuntimeException | Error e) {
            throw e;
        } catch (Throwable t) {
            throw new IllegalStateException(t);
        }
    }

    private static long mask(int width) {
        return width >= 64 ? -1L : (1L << width) - 1;
    }
}
