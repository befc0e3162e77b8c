package vtoe.rtl

import chisel3._

/** A read port of CsrFile's configuration memory, which reads synchronously (block RAM): `cfg` is what
  * the memory held for the `conn` presented one cycle earlier. `valid` says that `cfg` is `conn`'s
  * configuration as of now: `conn` is the address presented in the previous cycle and no write to that
  * connection was made then. A reader whose address stays put (a handshake waiting, an FSM state) just
  * waits for `valid`; ConnStateUnit presents its address a stage ahead and does not need it.
  */
class CfgReadPort(p: AdapterParams) extends Bundle {
  val conn = Input(UInt(p.connIdxBits.W))
  val cfg = Output(new ConnCfg)
  val valid = Output(Bool())
}
