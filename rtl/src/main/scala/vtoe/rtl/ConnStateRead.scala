package vtoe.rtl

import chisel3._
import chisel3.util._

/** A CSR read of one connection's state (STATUS, SND_UNA, SND_NXT, SND_MAX). The state lives in a
  * synchronous-read memory whose one read port belongs to ConnStateUnit's op pipeline, so the read is
  * an op of that pipeline (as Corundum's tx_scheduler_rr reads its queue RAM for AXI-Lite): `req` is
  * taken like any op, and `resp` carries the state the cycle after, with every change made before it.
  * Directions are the asking block's.
  */
class ConnStateRead(p: AdapterParams) extends Bundle {
  val req = Decoupled(UInt(p.connIdxBits.W)) // the connection asked about
  val resp = Flipped(Valid(Vec(4, UInt(64.W)))) // STATUS, SND_UNA, SND_NXT, SND_MAX, the cycle after req fired
}
