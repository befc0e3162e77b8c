package vtoe.rtl

import chisel3._

/** One's-complement (RFC 1071) helpers. */
object InetChecksum {
  /** Folds a sum of 16-bit words of any width to 16 bits, carries wrapped around. */
  def fold(sum: UInt): UInt = {
    var x = sum
    while (x.getWidth > 17) x = x(15, 0) +& (x >> 16)
    if (x.getWidth == 17) {
      x = x(15, 0) +& x(16)
      x = x(15, 0) + x(16) // 0xffff + 1 carries once more
    }
    x(15, 0)
  }

  /** Sum of bytes as big-endian 16-bit words, byte i even = high byte; masked bytes count as 0. */
  def sumBytes(bytes: Seq[UInt], mask: Seq[Bool]): UInt =
    bytes.zip(mask).zipWithIndex.map { case ((b, m), i) =>
      Mux(m, b.pad(16) << (if (i % 2 == 0) 8 else 0), 0.U(16.W))
    }.reduce(_ +& _)
}
