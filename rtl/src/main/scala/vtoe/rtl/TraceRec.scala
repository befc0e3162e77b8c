package vtoe.rtl

import chisel3._

/** m_trace: every change of connection state, one per cycle at most, in the order ConnStateUnit made
  * them (see [[Op]] for the fields per op). A verification port in the spirit of RVFI: the lockstep
  * model takes the RTL's timing decisions from it and checks each one exactly. */
class TraceRec extends Bundle {
  val op = UInt(4.W)
  val conn = UInt(PortWidths.Conn.W)
  val tag = UInt(PortWidths.Tag.W)
  val seq = UInt(PortWidths.Seq.W)
  val len = UInt(PortWidths.Len.W)
  val aux = UInt(64.W)
  val time = UInt(PortWidths.Time.W) // cycle of the change, counted from the end of reset
}
