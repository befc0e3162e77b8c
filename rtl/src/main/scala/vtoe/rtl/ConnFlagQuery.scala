package vtoe.rtl

import chisel3._

/** One connection's flag (active, busy) looked up in ConnStateUnit's flag memories. A lookup costs the
  * same with 4 or 65536 connections, where a bit vector of every connection's flag grows with them.
  * Directions are the asking block's.
  */
class ConnFlagQuery(p: AdapterParams) extends Bundle {
  val conn = Output(UInt(p.connIdxBits.W)) // the connection asked about
  val flag = Input(Bool()) // its flag, combinationally
}
