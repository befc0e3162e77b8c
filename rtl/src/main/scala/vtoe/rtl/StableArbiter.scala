package vtoe.rtl

import chisel3._
import chisel3.util._

/** Round-robin arbiter whose output obeys ready/valid: once it offers an input's payload it keeps
  * offering that input until the handshake, so the payload never changes while `valid && !ready`
  * (Chisel's RRArbiter may switch the grant while stalled, which AXI and our ports forbid).
  */
class StableArbiter[T <: Data](gen: T, n: Int) extends Module {
  override def desiredName = s"StableArbiter$n"
  require(n >= 1, "StableArbiter needs at least one input")
  val io = IO(new Bundle {
    val in = Flipped(Vec(n, Decoupled(gen)))
    val out = Decoupled(gen)
  })
  val valids = VecInit(io.in.map(_.valid)).asUInt
  val last = RegInit((n - 1).U(log2Ceil(n).max(1).W))
  val held = RegInit(false.B)
  val heldIdx = Reg(UInt(log2Ceil(n).max(1).W))
  val above = valids & ~((2.U((n + 1).W) << last) - 1.U)(n - 1, 0)
  val rr = Mux(above.orR, PriorityEncoder(above), PriorityEncoder(valids))
  val chosen = Mux(held, heldIdx, rr)
  io.out.valid := valids.orR
  io.out.bits := VecInit(io.in.map(_.bits))(chosen)
  for (i <- 0 until n) io.in(i).ready := io.out.ready && chosen === i.U
  when(io.out.fire) {
    last := chosen
    held := false.B
  }.elsewhen(io.out.valid) {
    held := true.B
    heldIdx := chosen
  }
  when(held) { assert(io.in(heldIdx).valid, "StableArbiter: an input withdrew valid before its handshake") }
}
