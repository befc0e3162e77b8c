package vtoe.model.world;

import vtoe.model.host.PhysicalMemory;
import vtoe.model.sim.Timeline;

/**
 * Something that sits on the wires between the adapter and the {@link World}: it sees (and may
 * answer or hold back) the adapter's inputs and outputs without either side knowing. The what-if
 * studies put two kinds there: a probe that measures (latencies, bytes in flight) and works the same
 * on the RTL co-simulation and the standalone TLM, and the TLM-only COPY_RETAIN baseline, which
 * answers retransmissions from a copy on the adapter instead of asking the host.
 */
public interface PortShim {
    /** Where a shim is: the world it serves, simulated time, host physical memory and its own part of it. */
    record Context(World world, Timeline timeline, PhysicalMemory memory, long memoryBase, vtoe.model.payload.PayloadMemory payload) {
        /** The full mode: payload is the bytes of {@code memory}. */
        public Context(World world, Timeline timeline, PhysicalMemory memory, long memoryBase) {
            this(world, timeline, memory, memoryBase, memory == null ? null : vtoe.model.payload.PayloadMemory.of(memory));
        }
    }

    /** Wraps the adapter's inputs: calls to the result reach {@code next} (nearer the adapter) through this shim. */
    AdapterPorts inputs(AdapterPorts next);

    /** Wraps the adapter's outputs: calls to the result reach {@code next} (nearer the world) through this shim. */
    AdapterOutputs outputs(AdapterOutputs next);

    /**
     * Bytes of physical memory this shim needs for itself (the adapter's own memory, modelled in the
     * physical address space so the DMA engine can read it); 0 for none.
     */
    default long memoryBytes() {
        return 0;
    }

    /** Called once the world exists, before the first connection is opened. */
    default void attach(Context c) {}

    /**
     * Wires {@code shims} between an adapter and a world: the first shim is nearest the adapter.
     * Returns the adapter's view of the world's inputs side and the world's view of the adapter's
     * outputs side.
     */
    static AdapterPorts chainInputs(java.util.List<? extends PortShim> shims, AdapterPorts adapter) {
        AdapterPorts p = adapter;
        for (PortShim s : shims) {
            p = s.inputs(p);
        }
        return p;
    }

    static AdapterOutputs chainOutputs(java.util.List<? extends PortShim> shims, AdapterOutputs world) {
        AdapterOutputs o = world;
        for (int i = shims.size() - 1; i >= 0; i--) {
            o = shims.get(i).outputs(o);
        }
        return o;
    }
}
