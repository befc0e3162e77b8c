package vtoe.rtl

import chisel3._

/** CsrFile asks ConnStateUnit to open (enable) or stop (disable) a connection. */
class ConnCtl(p: AdapterParams) extends Bundle {
  val conn = UInt(p.connIdxBits.W)
  val open = Bool()
  val mode = UInt(2.W) // carried here: the configuration memory gets it in the same cycle
}
