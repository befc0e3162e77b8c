package vtoe.rtl

import chisel3._

/** A retained entry: metadata of a descriptor block not yet fully acknowledged. Never payload. */
class RingEntry extends Bundle {
  val descVa = UInt(PortWidths.Addr.W)
  val va = UInt(PortWidths.Addr.W)
  val pa = UInt(PortWidths.Addr.W) // PREPINNED only
  val size = UInt(PortWidths.Size.W)
  val seq = UInt(PortWidths.Seq.W)
  val releaseIssued = Bool() // PREPINNED: the segment that retrieves the block's last byte was cut
}
