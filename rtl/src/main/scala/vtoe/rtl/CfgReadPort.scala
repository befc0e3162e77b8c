package vtoe.rtl

import chisel3._

/** Combinational read of one connection's [[ConnCfg]] (a read port of CsrFile's context memory). */
class CfgReadPort(p: AdapterParams) extends Bundle {
  val conn = Input(UInt(p.connIdxBits.W))
  val cfg = Output(new ConnCfg)
}
