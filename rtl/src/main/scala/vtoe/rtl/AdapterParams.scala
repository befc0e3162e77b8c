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
    dmaIdBits: Int = 4, // AXI id width on m_dma_ar / s_dma_r
    maxBurstBeats: Int = 16, // longest DMA read burst the adapter issues
    eventDepth: Int = 4 // m_event entries queued before event sources stall
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

  /** Width of connection numbers inside the design (top-level ports always carry 16 bits). */
  def connIdxBits: Int = log2Ceil(numConns).max(1)

  /** Beats that carry one 32-byte descriptor. */
  def descBeats: Int = (32 / dataBytes).max(1)

  /** Descriptor slots in the largest region, i.e. bits of the loop detector. */
  def regionSlots: Int = maxRegionBytes / 32

  def toJson: String =
    Seq(
      "dataBytes" -> dataBytes,
      "numConns" -> numConns,
      "maxBlockBytes" -> maxBlockBytes,
      "maxRegionBytes" -> maxRegionBytes,
      "doorbellDepth" -> doorbellDepth,
      "dmaIdBits" -> dmaIdBits,
      "maxBurstBeats" -> maxBurstBeats,
      "eventDepth" -> eventDepth
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
}
