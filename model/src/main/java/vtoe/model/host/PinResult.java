package vtoe.model.host;

import java.util.List;

/**
 * Outcome of {@link AddressSpace#pin}: on success the physical runs of the pinned range in VA order
 * (adjacent frames merged), on failure a message saying which VA failed and why; never both.
 */
public record PinResult(List<Extent> extents, String error) {
    public PinResult {
        if ((extents == null) == (error == null)) {
            throw new IllegalArgumentException("a PinResult carries either extents or an error, got extents=" + extents + " error=" + error);
        }
        extents = extents == null ? null : List.copyOf(extents);
    }

    public static PinResult ok(List<Extent> extents) {
        return new PinResult(extents, null);
    }

    public static PinResult failed(String error) {
        return new PinResult(null, error);
    }

    public boolean ok() {
        return error == null;
    }

    /** Total pinned bytes (0 on failure). */
    public long bytes() {
        return extents == null ? 0 : extents.stream().mapToLong(Extent::len).sum();
    }
}
