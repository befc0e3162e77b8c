package vtoe.rtl

import chisel3._
import chisel3.util._

/** Test-only top that ends the simulation on command, so the co-simulation library can prove that
  * `$fatal` (a Chisel assertion), `$stop` and `$finish` reach Java as exceptions instead of killing
  * the JVM. op 0 echoes arg on m_echo; op 1 fails an assertion; op 2 runs `$stop`; op 3 `$finish`.
  * op 4 and 5 break the ready/valid rules on m_echo on purpose, so the native protocol checker can be
  * shown to fire: 4 changes the payload every cycle while valid, 5 drops valid before the handshake.
  */
class AssertProbe extends Module {
  override def desiredName = "AssertProbe"
  val s_cmd = IO(Flipped(Decoupled(new Bundle {
    val op = UInt(8.W) // 0 echo, 1 assert, 2 $stop, 3 $finish, 4 unstable payload, 5 valid drops
    val arg = UInt(32.W) // echoed, and printed by the assertion
  })))
  val m_echo = IO(Decoupled(UInt(32.W)))

  val q = Module(new Queue(UInt(32.W), 2))
  q.io.enq.valid := s_cmd.valid && s_cmd.bits.op === 0.U
  q.io.enq.bits := s_cmd.bits.arg
  s_cmd.ready := q.io.enq.ready
  m_echo <> q.io.deq

  val misbehave = RegInit(0.U(2.W))
  val count = RegInit(0.U(32.W))
  count := count + 1.U
  when(misbehave === 1.U) {
    m_echo.valid := true.B
    m_echo.bits := count
    q.io.deq.ready := false.B
  }.elsewhen(misbehave === 2.U) {
    m_echo.valid := count(0)
    m_echo.bits := 7.U
    q.io.deq.ready := false.B
  }

  val fire = s_cmd.fire
  when(fire && s_cmd.bits.op === 1.U) {
    assert(false.B, "AssertProbe: assertion fired on purpose, arg=%d", s_cmd.bits.arg)
  }
  val stopper = Module(new StopOnCommand)
  stopper.io.clock := clock
  stopper.io.en := fire && s_cmd.bits.op === 2.U
  when(fire && s_cmd.bits.op === 3.U) { stop() }
  when(fire && s_cmd.bits.op === 4.U) { misbehave := 1.U }
  when(fire && s_cmd.bits.op === 5.U) { misbehave := 2.U }
}
