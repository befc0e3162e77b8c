package vtoe.rtl

import chisel3.util.{isPow2, log2Ceil}

/** Every parameter of the adapter in one place. Each block reads the fields it needs.
  *
  * Elaboration writes these values to `params.json` beside the Verilog; the Java side reads them from
  * there (through the co-simulation library), so the TLM is always built with the RTL's own values.
  */
case class AdapterParams(
    dataBytes: Int = 8, // bytes per beat on s_dma_r and the AXI-Stream ports
    numConns: Int = 4, // connections that have a context in the adapter
    maxBlockBytes: Int = 65536, // largest descriptor size accepted
    maxRegionBytes: Int = 16384, // largest descriptor region; bounds the loop detector's bitmap
    doorbellDepth: Int = 4, // doorbells queued before s_doorbell backpressures
    dmaIdBits: Int = 5, // AXI id width on m_dma_ar / s_dma_r: id 0 descriptors, id 1 + tag payload
    maxBurstBeats: Int = 16, // longest DMA read burst the adapter issues
    eventDepth: Int = 4, // m_event entries queued before event sources stall
    tags: Int = 16, // segments in flight (host requests, DMA, staging slots) across all connections
    slotBytes: Int = 2048, // staging buffer per tag: the largest MSS
    retained: Int = 16, // retained entries (descriptor blocks not yet acknowledged) per connection
    maxRetries: Int = 8, // RTO expiries in a row before a connection is stopped
    maxBackoff: Int = 6, // RTO doubles at most this many times
    burstsPerTag: Int = 4, // DMA bursts outstanding per tag
    timerSlotCycles: Int = 16, // G: cycles per slot of ConnStateUnit's timer wheel (the resolution of an expiry)
    timerSlots: Int = 1024, // W: slots of the timer wheel; a timer further out than W*G cycles goes round again
    clockGate: Int = 1, // 1: the adapter's clock stops while it has nothing to do (VtoeAdapter); 0: it always runs
    gateHoldCycles: Int = 4 // cycles the clock keeps running after the last activity, before it stops
) {
  require(Seq(8, 16, 32, 64).contains(dataBytes), s"dataBytes must be 8, 16, 32 or 64, not $dataBytes")
  require(numConns >= 1 && numConns <= 65536, s"numConns must be in 1..65536, not $numConns")
  require(maxBlockBytes >= 1, s"maxBlockBytes must be positive, not $maxBlockBytes")
  require(isPow2(maxRegionBytes) && maxRegionBytes >= 32,
    s"maxRegionBytes must be a power of two >= 32 (one descriptor), not $maxRegionBytes")
  require(doorbellDepth >= 1, s"doorbellDepth must be at least 1, not $doorbellDepth")
  require(dmaIdBits >= 1 && dmaIdBits <= 8, s"dmaIdBits must be in 1..8, not $dmaIdBits")
  require(maxBurstBeats >= 1 && maxBurstBeats <= 256 && maxBurstBeats * dataBytes <= 4096,
    s"maxBurstBeats must be in 1..256 and a burst may not exceed 4 KiB, not $maxBurstBeats x $dataBytes B")
  require(eventDepth >= 1, s"eventDepth must be at least 1, not $eventDepth")
  require(isPow2(numConns), s"numConns must be a power of two (ACKs find their connection by local port), not $numConns")
  require(tags >= 2 && tags + 1 <= (1 << dmaIdBits), s"tags must be 2..${(1 << dmaIdBits) - 1} (DMA id = 1 + tag), not $tags")
  require(isPow2(slotBytes) && slotBytes >= 64 && slotBytes % dataBytes == 0,
    s"slotBytes must be a power of two >= 64, not $slotBytes")
  require(isPow2(retained) && retained >= 2, s"retained must be a power of two >= 2, not $retained")
  require(maxRetries >= 1 && maxRetries < 255, s"maxRetries must be in 1..254, not $maxRetries")
  require(maxBackoff >= 0 && maxBackoff <= 15, s"maxBackoff must be in 0..15, not $maxBackoff")
  require(isPow2(burstsPerTag), s"burstsPerTag must be a power of two, not $burstsPerTag")
  require(isPow2(timerSlotCycles) && timerSlotCycles >= 1 && timerSlotCycles <= 65536,
    s"timerSlotCycles must be a power of two in 1..65536 (slot = time >> log2), not $timerSlotCycles")
  require(isPow2(timerSlots) && timerSlots >= 2 && timerSlots <= 65536,
    s"timerSlots must be a power of two in 2..65536 (slot index = low bits of the slot number), not $timerSlots")

  require(clockGate == 0 || clockGate == 1, s"clockGate must be 0 (clock always runs) or 1 (gated while idle), not $clockGate")
  // Two cycles let the registers that follow a value every cycle (a synchronous read's data, a RegNext copy)
  // catch up with the last activity before the clock stops; VtoeAdapter says why that is enough.
  require(gateHoldCycles >= 2 && gateHoldCycles <= 255, s"gateHoldCycles must be in 2..255, not $gateHoldCycles")
  /** Width of connection numbers inside the design (top-level ports always carry 16 bits). */
  def connIdxBits: Int = log2Ceil(numConns).max(1)

  /** Beats that carry one 32-byte descriptor. */
  def descBeats: Int = (32 / dataBytes).max(1)

  /** Descriptor slots in the largest region, i.e. bits of the loop detector. */
  def regionSlots: Int = maxRegionBytes / 32

  def tagBits: Int = log2Ceil(tags).max(1)
  def ringBits: Int = log2Ceil(retained)
  def rowsPerSlot: Int = slotBytes / dataBytes
  def stagingRows: Int = tags * rowsPerSlot
  def stagingBytes: Int = tags * slotBytes
  /** Rows of each staging RAM: the rows split in two banks by parity (see StagingBuffer). */
  def stagingBankRows: Int = (stagingRows + 1) / 2
  /** RAM the staging buffer is built from: a copy of the slots per answer path (PUSH, DMA), each in two banks. */
  def stagingRamBytes: Int = 2 * 2 * stagingBankRows * dataBytes
  def timerSlotBits: Int = log2Ceil(timerSlots)

  def toJson: String =
    Seq(
      "dataBytes" -> dataBytes,
      "numConns" -> numConns,
      "maxBlockBytes" -> maxBlockBytes,
      "maxRegionBytes" -> maxRegionBytes,
      "doorbellDepth" -> doorbellDepth,
      "dmaIdBits" -> dmaIdBits,
      "maxBurstBeats" -> maxBurstBeats,
      "eventDepth" -> eventDepth,
      "tags" -> tags,
      "slotBytes" -> slotBytes,
      "retained" -> retained,
      "maxRetries" -> maxRetries,
      "maxBackoff" -> maxBackoff,
      "burstsPerTag" -> burstsPerTag,
      "timerSlotCycles" -> timerSlotCycles,
      "timerSlots" -> timerSlots,
      "clockGate" -> clockGate,
      "gateHoldCycles" -> gateHoldCycles
    ).map { case (k, v) => s""""$k": $v""" }.mkString("{", ", ", "}")
}

/** Widths of fields on the top-level ports; fixed so that port layouts do not depend on parameters
  * other than the datapath width and the DMA id width. */
object PortWidths {
  val Conn = 16
  val Addr = 64
  val Seq = 32
  val Size = 32
  val CsrAddr = 32
  val CsrData = 64
  val EventCode = 8
  val Detail = 64
  val AxiLen = 8
  val AxiResp = 2
  val Tag = 8
  val Len = 32
  val Mac = 48
  val Ip = 32
  val Port = 16
  val Time = 64
}
