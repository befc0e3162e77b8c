package vtoe.rtl

import chisel3._

/** A valid ACK for a connection, from AckParser to ConnStateUnit. */
class AckInfo(p: AdapterParams) extends Bundle {
  val conn = UInt(p.connIdxBits.W)
  val ack = UInt(32.W)
  val wnd = UInt(16.W)
  val hasPayload = Bool()
}
