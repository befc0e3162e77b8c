package vtoe.rtl

import chisel3._

/** Physically contiguous bytes of a tag to read: granted by the host, or a PREPINNED descriptor's PA. */
class Extent(p: AdapterParams) extends Bundle {
  val tag = UInt(p.tagBits.W)
  val conn = UInt(p.connIdxBits.W)
  val pa = UInt(64.W)
  val len = UInt(32.W)
  val dstOff = UInt(chisel3.util.log2Ceil(p.slotBytes + 1).W) // where in the tag's slot the first byte goes
}
