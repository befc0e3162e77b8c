package vtoe.rtl

import chisel3._

/** A masked write of one staging row (one datapath word of a tag's slot). */
class StagingWrite(p: AdapterParams) extends Bundle {
  val row = UInt(chisel3.util.log2Ceil(p.stagingRows).W)
  val data = Vec(p.dataBytes, UInt(8.W))
  val mask = Vec(p.dataBytes, Bool())
}
