package vtoe.rtl

import chisel3._

/** m_completion: every byte of the descriptor at descVa is acknowledged; the host may reuse its buffer. */
class Completion extends Bundle {
  val conn = UInt(PortWidths.Conn.W)
  val ackedSeq = UInt(PortWidths.Seq.W) // seq just past the block
  val descVa = UInt(PortWidths.Addr.W)
}
