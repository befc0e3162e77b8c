package vtoe.rtl

import chisel3._
import chisel3.util.HasBlackBoxInline

/** `$stop` has no Chisel construct; this black box issues it for [[AssertProbe]]. */
class StopOnCommand extends BlackBox with HasBlackBoxInline {
  override def desiredName = "StopOnCommand"
  val io = IO(new Bundle {
    val clock = Input(Clock())
    val en = Input(Bool())
  })
  setInline("StopOnCommand.sv",
    """module StopOnCommand(input clock, input en);
      |`ifndef SYNTHESIS
      |  always @(posedge clock) if (en) $stop;
      |`endif
      |endmodule
      |""".stripMargin)
}
