package vtoe.rtl

import chisel3._

/** m_release: the host may unpin. prepinned = 0: what it pinned for `tag` (sent, or dropped); va/len echo
  * the request. prepinned = 1: the descriptor block [va, va + len) of `conn`, fully retrieved. */
class Release extends Bundle {
  val tag = UInt(PortWidths.Tag.W)
  val conn = UInt(PortWidths.Conn.W)
  val va = UInt(PortWidths.Addr.W)
  val len = UInt(PortWidths.Len.W)
  val prepinned = Bool()
}
