package vtoe.rtl

import chisel3._

/** TxFramer finished with a tag: its frame was sent, or it was dropped. */
class TagDone(p: AdapterParams) extends Bundle {
  val tag = UInt(p.tagBits.W)
  val conn = UInt(p.connIdxBits.W)
  val sent = Bool()
}
