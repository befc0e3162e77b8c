package vtoe.rtl

/** The CSR address map shared by CsrFile and the blocks that own registers. Per-connection registers
  * sit at `conn << 8 | reg << 3`; global, read-only registers at `1 << 31 | reg << 3`. All are 64 bits.
  * The Java driver uses `vtoe.model.adapter.CsrMap`, which lists the same numbers. */
object Csr {
  // per-connection
  val Ctrl = 0 // bit 0 enable, bits 2..1 mode
  val RegionVa = 1 // descriptor region: VA of its first byte (32-byte aligned)
  val RegionPa = 2 // descriptor region: PA of its first byte (32-byte aligned, contiguous)
  val RegionBytes = 3 // descriptor region: size, a multiple of 32 in 32..maxRegionBytes
  val DescSeq = 4 // seq the next descriptor of this connection must start at
  // global
  val GlobalBit = 31
  val Id = 0 // "vtoe" << 32 | version
  val NumConns = 1
  val DataBytes = 2
  val MaxBlockBytes = 3
  val MaxRegionBytes = 4

  val IdValue: BigInt = (BigInt(0x76746f65L) << 32) | 1

  // CSR response codes (AXI meaning)
  val RespOkay = 0
  val RespSlvErr = 2 // register exists but the write was refused (value or state)
  val RespDecErr = 3 // no such register or connection, or misaligned address
}
