package vtoe.rtl

import chisel3._

/** One connection's snd.una and retransmission epoch looked up in ConnStateUnit's state memory (the
  * framer's last check that a segment is still unacknowledged, and that a retransmission was not
  * overtaken). Directions are the asking block's.
  */
class ConnUnaQuery(p: AdapterParams) extends Bundle {
  val conn = Output(UInt(p.connIdxBits.W)) // the connection asked about
  val una = Input(UInt(32.W)) // its snd.una, combinationally
  val epoch = Input(UInt(Epoch.Bits.W)) // its retransmission epoch
}
