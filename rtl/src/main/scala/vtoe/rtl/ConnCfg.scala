package vtoe.rtl

import chisel3._

/** Static configuration of one connection, written through CSRs and read by the blocks. */
class ConnCfg extends Bundle {
  val enabled = Bool()
  val mode = UInt(2.W)
  val regionVa = UInt(PortWidths.Addr.W)
  val regionPa = UInt(PortWidths.Addr.W)
  val regionBytes = UInt(PortWidths.Size.W)
}
