package vtoe.cosim;

/** One payload field of a port: its name, width in bits and first 64-bit word in the payload. */
public record FieldInfo(String name, int width, int wordOffset) {
    public int words() {
        return (width + 63) / 64;
    }
}
