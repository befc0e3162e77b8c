package vtoe.rtl

import chisel3._

/** TxFramer finished with a tag: its frame was sent, or it was dropped. */
class TagDone(p: AdapterParams) extends Bundle {
  val tag = UInt(p.tagBits.W)
  val conn = UInt(p.connIdxBits.W)
  val sent = Bool()
  val seqEnd = UInt(32.W) // just past the segment's last byte: a sent frame's end runs the timer (RFC 6298 5.1)
  val retx = Bool() // a retransmission of epoch `epoch`: once sent, that decision has reached the wire
  val epoch = UInt(Epoch.Bits.W)
}
