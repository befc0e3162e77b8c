package vtoe.model.host;

import java.util.List;

/** The outcome of a pin: the physical runs of the range in VA order, or why it could not be pinned (nothing stays pinned then). */
public record PinResult(List<Extent> extents, String error) {
    public static PinResult ok(List<Extent> extents) {
        return new PinResult(List.copyOf(extents), null);
    }

    public static PinResult failed(String error) {
        return new PinResult(List.of(), error);
    }

    public boolean ok() {
        return error == null;
    }
}
