package vtoe.rtl

import chisel3._

/** A glitch-free clock gate: `gated` pulses in the cycles whose `en` was high before the rising edge,
  * and stays low in the others. `en` is sampled on the falling edge, while the clock is low, so it
  * cannot change while `gated` is high (the flip-flop form of a clock gate; an ASIC uses one integrated
  * clock-gating cell, a latch and an AND, and an FPGA a BUFGCE: same behaviour). During reset the clock
  * always runs, so the gated logic sees every reset edge.
  *
  * Trade-off: a register behind the gate costs nothing in a cycle it is gated, in power on silicon and
  * in time in a simulation (Verilator evaluates only logic whose clock ticked), but whoever drives `en`
  * must prove that the gated logic would not have changed in those cycles: see VtoeAdapter's activity.
  */
class ClockGate extends Module {
  override def desiredName = "ClockGate"
  val io = IO(new Bundle {
    val en = Input(Bool())
    val gated = Output(Clock())
  })
  val enFall = withClock((!clock.asBool).asClock) { RegNext(io.en) }
  io.gated := (clock.asBool && (enFall || reset.asBool)).asClock
}
