package vtoe.tb.rtlcfg;

import java.lang.reflect.Constructor;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.RecordComponent;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import vtoe.model.AdapterParams;

/**
 * One configuration of the full adapter (VtoeAdapter) to elaborate and Verilate: the four parameters
 * studies vary by name, and any other {@link AdapterParams} field in {@code other}; every field not
 * given keeps the adapter's default ({@link AdapterParams#adapterDefaults()}: 64 connections, 8-byte
 * datapath, 16 tags, 16 retained entries).
 *
 * <p>Validation is AdapterParams' own: the constructor builds the parameters once with every value, so a
 * bad configuration fails here with the same rule and message as the RTL's {@code require}s (the Java
 * record mirrors them), before any build starts. {@link #key()} names the build's folder.
 *
 * @param numConns  connections with a context in the adapter (power of two, 1..65536)
 * @param dataBytes bytes per beat of the datapath (8, 16, 32 or 64)
 * @param tags      segments in flight across all connections
 * @param retained  retained entries per connection (power of two)
 * @param other     any other AdapterParams field by name (sorted; empty for the usual configurations)
 */
public record RtlConfig(int numConns, int dataBytes, int tags, int retained, Map<String, Integer> other) {
    /** The parameters with a field of their own, in the order of the key. */
    public static final List<String> NAMED = List.of("numConns", "dataBytes", "tags", "retained");

    private static final RecordComponent[] FIELDS = AdapterParams.class.getRecordComponents();

    public RtlConfig {
        other = Collections.unmodifiableMap(new TreeMap<>(other));
        for (String k : other.keySet()) {
            if (NAMED.contains(k)) {
                throw new IllegalArgumentException(k + " is a field of its own, not one of the other parameters");
            }
            if (Arrays.stream(FIELDS).noneMatch(f -> f.getName().equals(k))) {
                throw new IllegalArgumentException("unknown parameter '" + k + "' (known: " + names() + ")");
            }
        }
        // Fails with AdapterParams' message for any value the RTL would refuse.
        build(numConns, dataBytes, tags, retained, other);
    }

    /** The configuration the Maven build Verilates (c64-d8-t16-r16). */
    public static RtlConfig defaults() {
        return of(AdapterParams.adapterDefaults());
    }

    public static RtlConfig of(int numConns, int dataBytes, int tags, int retained) {
        return new RtlConfig(numConns, dataBytes, tags, retained, Map.of());
    }

    /** The configuration whose parameters are {@code p} (fields equal to the adapter defaults are left out of {@code other}). */
    public static RtlConfig of(AdapterParams p) {
        AdapterParams d = AdapterParams.adapterDefaults();
        Map<String, Integer> other = new TreeMap<>();
        for (RecordComponent f : FIELDS) {
            int v = value(f, p);
            if (!NAMED.contains(f.getName()) && v != value(f, d)) {
                other.put(f.getName(), v);
            }
        }
        return new RtlConfig(p.numConns(), p.dataBytes(), p.tags(), p.retained(), other);
    }

    /**
     * The adapter defaults with {@code assignments} (AdapterParams field names to integers, as text) applied;
     * a bad name or value fails with a message that says what is allowed.
     */
    public static RtlConfig parse(Map<String, String> assignments) {
        Map<String, Integer> v = new LinkedHashMap<>();
        RtlConfig d = defaults();
        v.put("numConns", d.numConns);
        v.put("dataBytes", d.dataBytes);
        v.put("tags", d.tags);
        v.put("retained", d.retained);
        assignments.forEach((k, text) -> {
            if (Arrays.stream(FIELDS).noneMatch(f -> f.getName().equals(k))) {
                throw new IllegalArgumentException("unknown parameter '" + k + "' (known: " + names() + ")");
            }
            try {
                v.put(k, Integer.parseInt(text.strip()));
            } catch (NumberFormatException e) {
                throw new IllegalArgumentException(k + " must be an integer, not '" + text + "'");
            }
        });
        Map<String, Integer> other = new TreeMap<>(v);
        NAMED.forEach(other::remove);
        return new RtlConfig(v.get("numConns"), v.get("dataBytes"), v.get("tags"), v.get("retained"), other);
    }

    public RtlConfig withNumConns(int n) {
        return new RtlConfig(n, dataBytes, tags, retained, other);
    }

    public RtlConfig withDataBytes(int d) {
        return new RtlConfig(numConns, d, tags, retained, other);
    }

    /** Every AdapterParams field of this configuration. */
    public AdapterParams params() {
        return build(numConns, dataBytes, tags, retained, other);
    }

    /**
     * The folder name of the build: {@code c<numConns>-d<dataBytes>-t<tags>-r<retained>}, then each other
     * parameter as {@code -<name><value>} in name order (the same names as {@code ./scripts/synth}'s folders).
     */
    public String key() {
        StringBuilder s = new StringBuilder("c" + numConns + "-d" + dataBytes + "-t" + tags + "-r" + retained);
        other.forEach((k, v) -> s.append('-').append(k).append(v));
        return s.toString();
    }

    /** Every parameter that differs from the adapter defaults or is named, as the elaborator's {@code name=value} arguments. */
    public List<String> elaborationArguments() {
        List<String> a = new ArrayList<>(List.of("numConns=" + numConns, "dataBytes=" + dataBytes, "tags=" + tags,
                "retained=" + retained));
        other.forEach((k, v) -> a.add(k + "=" + v));
        return a;
    }

    @Override
    public String toString() {
        return key();
    }

    private static String names() {
        return String.join(", ", Arrays.stream(FIELDS).map(RecordComponent::getName).toList());
    }

    private static int value(RecordComponent f, AdapterParams p) {
        try {
            return (int) f.getAccessor().invoke(p);
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }

    /** AdapterParams from the defaults with these values, through its canonical constructor (so every rule runs). */
    private static AdapterParams build(int numConns, int dataBytes, int tags, int retained, Map<String, Integer> other) {
        AdapterParams d = AdapterParams.adapterDefaults();
        Object[] args = new Object[FIELDS.length];
        Class<?>[] types = new Class<?>[FIELDS.length];
        for (int i = 0; i < FIELDS.length; i++) {
            String n = FIELDS[i].getName();
            types[i] = FIELDS[i].getType();
            args[i] = switch (n) {
                case "numConns" -> numConns;
                case "dataBytes" -> dataBytes;
                case "tags" -> tags;
                case "retained" -> retained;
                default -> other.getOrDefault(n, value(FIELDS[i], d));
            };
        }
        try {
            Constructor<AdapterParams> c = AdapterParams.class.getDeclaredConstructor(types);
            return c.newInstance(args);
        } catch (InvocationTargetException e) {
            if (e.getCause() instanceof IllegalArgumentException bad) {
                throw new IllegalArgumentException(bad.getMessage(), bad);
            }
            throw new IllegalStateException(e.getCause());
        } catch (ReflectiveOperationException e) {
            throw new IllegalStateException(e);
        }
    }
}
