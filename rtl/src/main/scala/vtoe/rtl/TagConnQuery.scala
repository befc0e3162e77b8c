package vtoe.rtl

import chisel3._

/** The connection a tag in flight works for, looked up in HostHandshake's tag table. Directions are
  * the asking block's. */
class TagConnQuery(p: AdapterParams) extends Bundle {
  val tag = Output(UInt(p.tagBits.W)) // the tag asked about
  val conn = Input(UInt(p.connIdxBits.W)) // its connection, combinationally
}
