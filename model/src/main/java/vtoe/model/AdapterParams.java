package vtoe.model;

import com.fasterxml.jackson.databind.JsonNode;

/**
 * The adapter's parameters, field for field the RTL's {@code vtoe.rtl.AdapterParams}. In
 * co-simulation they come from the elaborated design ({@link #fromJson}), so the TLM is built with
 * exactly the RTL's values.
 */
public record AdapterParams(
        int dataBytes, // bytes per beat on s_dma_r and the AXI-Stream ports
        int numConns, // connections with a context in the adapter
        int maxBlockBytes, // largest descriptor size accepted
        int maxRegionBytes, // largest descriptor region
        int doorbellDepth, // doorbells queued before s_doorbell backpressures
        int dmaIdBits, // AXI id width
        int maxBurstBeats, // longest DMA read burst
        int eventDepth, // m_event queue entries
        int tags, // segments in flight across all connections
        int slotBytes, // staging bytes per tag: the largest MSS
        int retained, // retained entries per connection
        int maxRetries, // RTO retransmissions before a connection stops
        int maxBackoff, // RTO doublings at most
        int burstsPerTag, // DMA bursts outstanding per tag
        int timerSlotCycles, // cycles per slot of ConnStateUnit's timer wheel
        int timerSlots, // slots of the timer wheel
        int clockGate, // 1: the RTL's clock stops while the adapter is idle; 0: it always runs (no effect on the TLM)
        int gateHoldCycles) { // cycles the RTL's clock keeps running after its last activity (no effect on the TLM)

    public AdapterParams {
        require(dataBytes == 8 || dataBytes == 16 || dataBytes == 32 || dataBytes == 64,
                "dataBytes must be 8, 16, 32 or 64, not " + dataBytes);
        require(numConns >= 1 && numConns <= 65536, "numConns must be in 1..65536, not " + numConns);
        require(maxBlockBytes >= 1, "maxBlockBytes must be positive, not " + maxBlockBytes);
        require(Integer.bitCount(maxRegionBytes) == 1 && maxRegionBytes >= 32,
                "maxRegionBytes must be a power of two >= 32, not " + maxRegionBytes);
        require(doorbellDepth >= 1, "doorbellDepth must be at least 1, not " + doorbellDepth);
        require(dmaIdBits >= 1 && dmaIdBits <= 8, "dmaIdBits must be in 1..8, not " + dmaIdBits);
        require(maxBurstBeats >= 1 && maxBurstBeats <= 256 && maxBurstBeats * dataBytes <= 4096,
                "maxBurstBeats must be in 1..256 and a burst may not exceed 4 KiB, not " + maxBurstBeats + " x " + dataBytes);
        require(eventDepth >= 1, "eventDepth must be at least 1, not " + eventDepth);
        require(Integer.bitCount(numConns) == 1, "numConns must be a power of two, not " + numConns);
        require(tags >= 2 && tags + 1 <= 1 << dmaIdBits, "tags must be 2.." + ((1 << dmaIdBits) - 1) + ", not " + tags);
        require(Integer.bitCount(slotBytes) == 1 && slotBytes >= 64, "slotBytes must be a power of two >= 64, not " + slotBytes);
        require(Integer.bitCount(retained) == 1 && retained >= 2, "retained must be a power of two >= 2, not " + retained);
        require(maxRetries >= 1 && maxRetries < 255, "maxRetries must be in 1..254, not " + maxRetries);
        require(maxBackoff >= 0 && maxBackoff <= 15, "maxBackoff must be in 0..15, not " + maxBackoff);
        require(Integer.bitCount(burstsPerTag) == 1, "burstsPerTag must be a power of two, not " + burstsPerTag);
        require(Integer.bitCount(timerSlotCycles) == 1 && timerSlotCycles <= 65536,
                "timerSlotCycles must be a power of two in 1..65536, not " + timerSlotCycles);
        require(Integer.bitCount(timerSlots) == 1 && timerSlots >= 2 && timerSlots <= 65536,
                "timerSlots must be a power of two in 2..65536, not " + timerSlots);
        require(clockGate == 0 || clockGate == 1, "clockGate must be 0 (clock always runs) or 1 (gated while idle), not " + clockGate);
        require(gateHoldCycles >= 2 && gateHoldCycles <= 255, "gateHoldCycles must be in 2..255, not " + gateHoldCycles);
    }

    /** The RTL's defaults. */
    public static AdapterParams defaults() {
        return new AdapterParams(8, 4, 65536, 16384, 4, 5, 16, 4, 16, 2048, 16, 8, 6, 4, 16, 1024, 1, 4);
    }

    /** The full adapter top (VtoeAdapter) as elaborated: 64 connections. */
    public static AdapterParams adapterDefaults() {
        return defaults().withNumConns(64);
    }

    public AdapterParams withNumConns(int n) {
        return new AdapterParams(dataBytes, n, maxBlockBytes, maxRegionBytes, doorbellDepth, dmaIdBits, maxBurstBeats,
                eventDepth, tags, slotBytes, retained, maxRetries, maxBackoff, burstsPerTag, timerSlotCycles, timerSlots,
                clockGate, gateHoldCycles);
    }

    public AdapterParams withDataBytes(int d) {
        return new AdapterParams(d, numConns, maxBlockBytes, maxRegionBytes, doorbellDepth, dmaIdBits, maxBurstBeats,
                eventDepth, tags, slotBytes, retained, maxRetries, maxBackoff, burstsPerTag, timerSlotCycles, timerSlots,
                clockGate, gateHoldCycles);
    }

    public AdapterParams withTags(int t) {
        return new AdapterParams(dataBytes, numConns, maxBlockBytes, maxRegionBytes, doorbellDepth, dmaIdBits,
                maxBurstBeats, eventDepth, t, slotBytes, retained, maxRetries, maxBackoff, burstsPerTag, timerSlotCycles, timerSlots,
                clockGate, gateHoldCycles);
    }

    public static AdapterParams fromJson(JsonNode p) {
        return new AdapterParams(field(p, "dataBytes"), field(p, "numConns"), field(p, "maxBlockBytes"),
                field(p, "maxRegionBytes"), field(p, "doorbellDepth"), field(p, "dmaIdBits"),
                field(p, "maxBurstBeats"), field(p, "eventDepth"), field(p, "tags"), field(p, "slotBytes"),
                field(p, "retained"), field(p, "maxRetries"), field(p, "maxBackoff"),
                field(p, "burstsPerTag"), field(p, "timerSlotCycles"), field(p, "timerSlots"),
                field(p, "clockGate"), field(p, "gateHoldCycles"));
    }

    private static int field(JsonNode p, String name) {
        JsonNode v = p.get(name);
        if (v == null || !v.canConvertToInt()) {
            throw new IllegalArgumentException("the elaborated design's params.json has no integer '" + name
                    + "': it was elaborated by another RTL; rebuild it (mvn install)");
        }
        return v.asInt();
    }

    /** Beats that carry one 32-byte descriptor. */
    public int descBeats() {
        return Math.max(1, 32 / dataBytes);
    }

    public int connIdxBits() {
        return Math.max(1, 32 - Integer.numberOfLeadingZeros(numConns - 1));
    }

    public int rowsPerSlot() {
        return slotBytes / dataBytes;
    }

    private static void require(boolean ok, String message) {
        if (!ok) {
            throw new IllegalArgumentException(message);
        }
    }
}
