package vtoe.rtl

import chisel3._
import chisel3.util._

/** A register access that CsrFile forwards to the block owning the register; the block answers in the
  * same cycle through `resp`. Used for state that a block updates itself (e.g. DescSeq). */
class RegAccess(p: AdapterParams) extends Bundle {
  val req = Output(Valid(new Bundle {
    val write = Bool()
    val conn = UInt(p.connIdxBits.W)
    val reg = UInt(5.W)
    val data = UInt(PortWidths.CsrData.W)
  }))
  val rdata = Input(UInt(PortWidths.CsrData.W))
}
