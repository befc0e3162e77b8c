package vtoe.rtl

import chisel3._

/** m_hostreq: identify these bytes (step 2 of the method): push them (PUSH) or pin and translate them. */
class HostReq(p: AdapterParams) extends Bundle {
  val tag = UInt(PortWidths.Tag.W) // names this request in the response and in m_release
  val conn = UInt(PortWidths.Conn.W) // connection whose send buffer holds the bytes
  val va = UInt(PortWidths.Addr.W) // VA of the first byte
  val len = UInt(PortWidths.Len.W) // bytes, 1..slotBytes
  val kind = UInt(2.W) // SegKind: 0 SEND, 1 RETRANSMIT (sent before and not yet acknowledged)
}
