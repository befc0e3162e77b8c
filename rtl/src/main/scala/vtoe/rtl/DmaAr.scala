package vtoe.rtl

import chisel3._

/** m_dma_ar: an AXI4-style read request of `len + 1` beats of `dataBytes` from `addr` (aligned to
  * `dataBytes`), never crossing a 4 KiB boundary. */
class DmaAr(p: AdapterParams) extends Bundle {
  val id = UInt(p.dmaIdBits.W) // response routing id
  val addr = UInt(PortWidths.Addr.W) // physical address of the first beat
  val len = UInt(PortWidths.AxiLen.W) // beats - 1, as AXI ARLEN
}
