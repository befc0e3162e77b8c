package vtoe.rtl

import chisel3._

/** s_doorbell: a new chain of descriptors for a connection. */
class Doorbell extends Bundle {
  val conn = UInt(PortWidths.Conn.W) // connection number
  val headVa = UInt(PortWidths.Addr.W) // VA of the first descriptor, inside the connection's region
}
