package vtoe.rtl

import chisel3._

/** HostHandshake's view of one tag, for DmaEngine and TxFramer. */
class TagView(p: AdapterParams) extends Bundle {
  val active = Bool() // allocated and not yet finished by the framer
  val complete = Bool() // nothing more will arrive: frame it or drop it
  val waitPrev = Bool() // an older tag of the same connection is not finished yet
  val failed = Bool() // host fault, bad response or DMA error: drop
  val conn = UInt(p.connIdxBits.W)
  val seq = UInt(32.W)
  val len = UInt(32.W)
  val va = UInt(64.W)
  val psh = Bool()
  val hasGrant = Bool() // the host pinned something for this tag: release it after the frame
  val releaseBlock = Bool()
  val blockVa = UInt(64.W)
  val blockSize = UInt(32.W)
  val cksum = UInt(32.W)
  val retx = Bool() // a retransmission (SegKind.Retx): dropped if its epoch has passed
  val epoch = UInt(Epoch.Bits.W)
}
