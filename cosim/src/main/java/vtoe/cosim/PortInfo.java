package vtoe.cosim;

import java.util.List;

/** A ready/valid bus of the Verilated top, as the generated port table describes it. */
public record PortInfo(String name, boolean input, int index, int words, List<FieldInfo> fields) {
    public FieldInfo field(String fieldName) {
        for (FieldInfo f : fields) {
            if (f.name().equals(fieldName)) {
                return f;
            }
        }
        throw new IllegalArgumentException("port " + name + " has no field " + fieldName + "; it has "
                + fields.stream().map(FieldInfo::name).toList());
    }
}
