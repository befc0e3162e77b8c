package vtoe.rtl

import chisel3._

/** s_dma_r: one beat of read data; beats of one burst arrive in order, bursts may arrive in any
  * order across ids. */
class DmaR(p: AdapterParams) extends Bundle {
  val id = UInt(p.dmaIdBits.W) // id of the request this beat answers
  val data = UInt((p.dataBytes * 8).W) // little-endian: byte i of the beat in bits 8i+7..8i
  val last = Bool() // final beat of the burst
  val resp = UInt(PortWidths.AxiResp.W) // 0 OKAY, 2 SLVERR, 3 DECERR
}
