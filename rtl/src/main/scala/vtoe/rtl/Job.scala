package vtoe.rtl

import chisel3._

/** A segment cut by the Segmenter, on its way through HostHandshake, DmaEngine and TxFramer. */
class Job(p: AdapterParams) extends Bundle {
  val tag = UInt(p.tagBits.W)
  val conn = UInt(p.connIdxBits.W)
  val seq = UInt(32.W)
  val len = UInt(32.W)
  val va = UInt(64.W)
  val pa = UInt(64.W)
  val kind = UInt(2.W) // SegKind
  val mode = UInt(2.W)
  val psh = Bool() // last segment of its descriptor block
  val prepinned = Bool() // PREPINNED first send: read from pa, no host request
  val releaseBlock = Bool() // PREPINNED: retrieves the block's last byte, release the block after it
  val blockVa = UInt(64.W)
  val blockSize = UInt(32.W)
  val hasPrev = Bool() // an older tag of the same connection is still in flight
  val prevTag = UInt(p.tagBits.W)
  val epoch = UInt(Epoch.Bits.W) // the connection's retransmission epoch when it was cut
}
