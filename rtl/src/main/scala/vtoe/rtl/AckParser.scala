package vtoe.rtl

import chisel3._
import chisel3.util._

/** Parses received frames (s_axis_rx) into ACKs for ConnStateUnit, streaming: the first 64 bytes are
  * kept, the TCP checksum is summed over the IP payload as beats pass (padding past the IP length
  * excluded), and the verdict falls on the last beat. The connection is the one whose number is the
  * low bits of the frame's destination port XOR `Csr.PortBase`; MACs, addresses and ports must all match it.
  *
  * Frames are classified in [[RxClass]] order (first failing check wins) and counted per class;
  * only OK frames become ACKs. Nothing is stored beyond the header, so frames of any length pass.
  */
class AckParser(p: AdapterParams) extends Module {
  override def desiredName = "AckParser"
  val D = p.dataBytes
  val lgD = log2Ceil(D)
  val io = IO(new Bundle {
    val rx = Flipped(Decoupled(new AxisBeat(p)))
    val cfg = Flipped(new CfgReadPort(p))
    val ack = Decoupled(new AckInfo(p))
    val counters = Output(Vec(RxClass.count, UInt(64.W)))
    val busy = Output(Bool()) // the block may change state in this cycle (VtoeAdapter's clock gate)
  })
  val beatIdx = RegInit(0.U(16.W))
  val frameBytes = RegInit(0.U(32.W))
  // The kept header as rows of one beat each: a beat is written as one masked row, where a Vec of 64
  // byte registers written at a computed offset is compared and multiplexed per byte and lane.
  val hdrRows = 64 / D max 1
  val hdr = Mem(hdrRows, Vec(D, UInt(8.W)))
  val tcpSum = RegInit(0.U(32.W))
  val counters = RegInit(VecInit(Seq.fill(RxClass.count)(0.U(64.W))))
  io.counters := counters
  // Work for the clock: a frame being received, or an ACK not yet taken. Between frames nothing changes.
  io.busy := io.rx.valid || beatIdx =/= 0.U || io.ack.valid

  val b = io.rx.bits
  val base = beatIdx << lgD
  val lanes = VecInit((0 until D).map(j => b.data(8 * j + 7, 8 * j)))
  /** Header byte i as known now: from this beat if it carries it, else from the kept header. */
  def hb(i: Int): UInt = {
    // base <= i < base + D, for base a multiple of D
    val inBeat = beatIdx === (i / D).U && b.keep((i % D))
    Mux(inBeat, lanes(i % D), hdr((i / D).U)(i % D))
  }
  def hw(i: Int): UInt = Cat(hb(i), hb(i + 1))
  def hl(i: Int): UInt = Cat(hw(i), hw(i + 2))

  val totalLen = hw(16)
  val tcpEnd = 14.U +& totalLen
  val laneInTcp = (0 until D).map(j => b.keep(j) && base + j.U >= 34.U && base + j.U < tcpEnd)
  val beatTcp = InetChecksum.sumBytes(lanes, laneInTcp)
  val bytesNow = frameBytes + PopCount(b.keep)

  // ---- verdict on the last beat ----
  val ihlOk = hb(14) === 0x45.U
  val fragOff = Cat(hb(20)(4, 0), hb(21))
  val ipSum = InetChecksum.fold((14 until 34 by 2).map(i => hw(i).pad(32)).reduce(_ +& _))
  val doff = hb(46)(7, 4)
  val flags = hb(47)
  val srcIp = hl(26)
  val dstIp = hl(30)
  val srcPort = hw(34)
  val dstPort = hw(36)
  val tcpLen = totalLen - 20.U
  val pseudo = srcIp(31, 16) +& srcIp(15, 0) +& dstIp(31, 16) +& dstIp(15, 0) +& 6.U +& tcpLen
  val tcpOk = InetChecksum.fold(tcpSum +& beatTcp +& pseudo) === 0xffff.U
  val conn = (dstPort ^ Csr.PortBase.U)(p.connIdxBits - 1, 0)
  io.cfg.conn := conn
  val c = io.cfg.cfg
  val dstMac = Cat((0 until 6).map(hb))
  val matches = c.enabled && dstMac === c.ourMac && srcIp === c.peerIp && dstIp === c.ourIp &&
    dstPort === c.ourPort && srcPort === c.peerPort
  val cls = PriorityMux(Seq(
    (bytesNow < 54.U) -> RxClass.TooShort.U,
    (hw(12) =/= 0x0800.U) -> RxClass.NotIpv4.U,
    !ihlOk -> RxClass.BadIpHeader.U,
    (totalLen < 40.U || tcpEnd > bytesNow) -> RxClass.BadIpLength.U,
    (hb(20)(5) || fragOff =/= 0.U) -> RxClass.Fragmented.U,
    (ipSum =/= 0xffff.U) -> RxClass.BadIpChecksum.U,
    (hb(23) =/= 6.U) -> RxClass.NotTcp.U,
    (doff < 5.U || (doff << 2) > tcpLen) -> RxClass.BadTcpHeader.U,
    !tcpOk -> RxClass.BadTcpChecksum.U,
    ((flags & 0x07.U) =/= 0.U || !flags(4)) -> RxClass.NotForOffload.U,
    !matches -> RxClass.UnknownConn.U,
    true.B -> RxClass.Ok.U
  ))
  val isOk = cls === RxClass.Ok.U
  // The verdict needs the configuration of the frame's connection, which the memory gives a cycle after
  // its port is known: a last beat waits for it (the port is in the kept header or in that beat, which
  // stays on the bus until taken).
  val cfgOk = io.cfg.valid
  io.ack.valid := io.rx.valid && b.last && isOk && cfgOk
  io.ack.bits.conn := conn
  io.ack.bits.ack := hl(38 + 4)
  io.ack.bits.wnd := hw(48)
  io.ack.bits.hasPayload := tcpLen > (doff << 2)
  io.rx.ready := !b.last || (cfgOk && (!isOk || io.ack.ready))

  when(io.rx.fire) {
    // Bytes base + j below 64, i.e. the beats before row hdrRows.
    when(beatIdx < hdrRows.U) { hdr.write(beatIdx(log2Ceil(hdrRows).max(1) - 1, 0), lanes, b.keep.asBools) }
    when(b.last) {
      beatIdx := 0.U
      frameBytes := 0.U
      tcpSum := 0.U
      counters(cls) := counters(cls) + 1.U
    }.otherwise {
      beatIdx := beatIdx + 1.U
      frameBytes := bytesNow
      tcpSum := tcpSum + beatTcp
    }
  }
}
