package vtoe.rtl

import chisel3._

/** s_csr: one register access. Every request gets exactly one [[CsrResp]]. */
class CsrReq extends Bundle {
  val write = Bool() // 1 = write data, 0 = read
  val addr = UInt(PortWidths.CsrAddr.W) // see [[Csr]] for the map
  val data = UInt(PortWidths.CsrData.W) // write data, ignored on reads
}
