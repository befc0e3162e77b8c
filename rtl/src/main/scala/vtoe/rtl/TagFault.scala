package vtoe.rtl

import chisel3._

/** A tag failed; its connection stops. */
class TagFault(p: AdapterParams) extends Bundle {
  val tag = UInt(p.tagBits.W)
  val conn = UInt(p.connIdxBits.W)
  val code = UInt(PortWidths.EventCode.W) // EventCode
  val detail = UInt(64.W)
}
