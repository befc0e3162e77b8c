package vtoe.rtl

import chisel3._
import chisel3.util.log2Ceil

/** Payload the DmaEngine wrote into a tag's staging slot this cycle, for HostHandshake's per-tag count
  * of bytes still to come and its checksum. */
class DmaProgress(p: AdapterParams) extends Bundle {
  val tag = UInt(p.tagBits.W)
  val bytes = UInt(log2Ceil(p.dataBytes + 1).W) // bytes of the beat that belong to the segment
  val cksum = UInt(32.W) // their one's-complement partial sum (by offset in the segment), not folded
}
