package vtoe.rtl

import chisel3._
import chisel3.util._

/** Frames complete segments as Ethernet II + IPv4 + TCP on m_axis_tx (step 4 of the method).
  * Store-and-forward: a segment is framed only when all its bytes are in staging, so the TCP checksum
  * (summed as the bytes arrived) is known before the header goes out. Frames of one connection leave
  * in segment order; across connections round-robin over ready segments. A segment of a stopped
  * connection, one that failed, one that an ACK has covered since it was cut (a retransmission
  * decided before that ACK came; RFC 9293 3.10.7.4 takes acknowledged segments off the retransmission
  * queue), or a retransmission of a past epoch (overtaken by a later go-back, or by an ACK of new data
  * that cancelled its go-back before it reached the wire) is dropped instead. Either way the framer then hands back the tag and tells the host what it
  * may unpin.
  *
  * Header: IPv4 without options, DF set, TTL 64, ID 0 (RFC 6864: atomic datagrams); TCP without
  * options, ACK always, PSH on the last segment of a descriptor block, ack number and window from the
  * connection's RCV register. Frames shorter than 60 bytes are zero padded.
  */
class TxFramer(p: AdapterParams) extends Module {
  override def desiredName = "TxFramer"
  val T = p.tags
  val D = p.dataBytes
  val lgD = log2Ceil(D)
  val HDR = 54
  val io = IO(new Bundle {
    val tags = Input(Vec(T, new TagView(p)))
    val activeQ = new ConnFlagQuery(p) // is the picked segment's connection still active?
    val unaQ = new ConnUnaQuery(p) // and is the segment still unacknowledged?
    val cfg = Flipped(new CfgReadPort(p))
    val stagingRow = Output(Vec(2, UInt(log2Ceil(p.stagingRows).W)))
    val stagingData = Input(Vec(2, Vec(D, UInt(8.W))))
    val tx = Decoupled(new AxisBeat(p))
    val release = Decoupled(new Release)
    val tagDone = Decoupled(new TagDone(p))
    val finish = Valid(UInt(p.tagBits.W))
    val busy = Output(Bool()) // the block may change state in this cycle (VtoeAdapter's clock gate)
  })

  object S extends ChiselEnum {
    val Idle, Send, Release, Finish = Value
  }
  val state = RegInit(S.Idle)

  // ---- pick the next ready segment, round-robin over tags ----
  val ready = VecInit(io.tags.map(t => t.active && t.complete && !t.waitPrev)).asUInt
  val rrLast = RegInit((T - 1).U(p.tagBits.W))
  val above = ready & ~((2.U((T + 1).W) << rrLast) - 1.U)(T - 1, 0)
  val pick = Mux(above.orR, PriorityEncoder(above), PriorityEncoder(ready))
  val pv = io.tags(pick)
  io.cfg.conn := pv.conn
  io.activeQ.conn := pv.conn
  io.unaQ.conn := pv.conn
  // Wholly acknowledged: snd.una at or past the segment's end, modulo 2^32.
  val acked = !(io.unaQ.una - (pv.seq + pv.len))(31)
  // A retransmission decided before a later go-back or before an ACK of new data cancelled its pass
  // (finding F3): sent now, it would reach the wire after what overtook it, with no licence left.
  val overtaken = pv.retx && pv.epoch =/= io.unaQ.epoch
  val send = !pv.failed && io.activeQ.flag && !acked && !overtaken

  class Latched extends Bundle {
    val tag = UInt(p.tagBits.W)
    val view = new TagView(p)
    val cfg = new ConnCfg
    val send = Bool()
  }
  val cur = Reg(new Latched)
  // Work for the clock: a frame, release or tag hand-back in progress, or a segment ready to pick.
  io.busy := state =/= S.Idle || ready.orR
  val beat = RegInit(0.U(16.W))

  // The configuration memory reads a cycle late: a pick waits until it holds the picked connection's.
  val pickNow = state === S.Idle && ready.orR && io.cfg.valid
  when(pickNow) {
    cur.tag := pick
    cur.view := pv
    cur.cfg := io.cfg.cfg
    cur.send := send
    rrLast := pick
    beat := 0.U
    state := Mux(send, S.Send,
      Mux(pv.hasGrant || pv.releaseBlock, S.Release, S.Finish))
  }

  // ---- header ----
  val v = cur.view
  val c = cur.cfg
  import InetChecksum.fold
  def be(x: UInt, bytes: Int): Seq[UInt] = (bytes - 1 to 0 by -1).map(i => x(8 * i + 7, 8 * i))
  val ipLen = 40.U(16.W) + v.len(15, 0)
  val flags = Mux(v.psh, 0x18.U(8.W), 0x10.U(8.W))
  val ipSum = 0x4500.U(32.W) + ipLen + 0x4000.U + 0x4006.U + c.ourIp(31, 16) + c.ourIp(15, 0) +
    c.peerIp(31, 16) + c.peerIp(15, 0)
  val ipCsum = ~fold(ipSum)
  val tcpSum = c.ourIp(31, 16) +& c.ourIp(15, 0) +& c.peerIp(31, 16) +& c.peerIp(15, 0) +& 6.U +&
    (20.U +& v.len(15, 0)) +& c.ourPort +& c.peerPort +& v.seq(31, 16) +& v.seq(15, 0) +& c.rcvNxt(31, 16) +&
    c.rcvNxt(15, 0) +& Cat(0x50.U(8.W), flags) +& c.rcvWnd +& v.cksum
  val tcpCsum = ~fold(tcpSum)
  val hdr = VecInit(
    be(c.peerMac, 6) ++ be(c.ourMac, 6) ++ Seq(0x08.U, 0x00.U) ++
      Seq(0x45.U, 0.U) ++ be(ipLen, 2) ++ Seq(0.U, 0.U, 0x40.U, 0.U, 64.U, 6.U) ++ be(ipCsum, 2) ++
      be(c.ourIp, 4) ++ be(c.peerIp, 4) ++
      be(c.ourPort, 2) ++ be(c.peerPort, 2) ++ be(v.seq, 4) ++ be(c.rcvNxt, 4) ++ Seq(0x50.U, flags) ++
      be(c.rcvWnd, 2) ++ be(tcpCsum, 2) ++ Seq(0.U, 0.U)
  )
  require(hdr.length == HDR)

  // ---- beats: header, then the payload shifted by 54 bytes, then padding to 60 ----
  val frameLen = Mux(v.len + HDR.U < 60.U, 60.U, v.len + HDR.U)
  val nBeats = (frameLen + (D - 1).U) >> lgD
  val base = beat << lgD
  // Payload row of a beat's window (its first row; the window is that row and the next).
  def rowOf(bt: UInt): UInt = {
    val b = bt << lgD
    Mux(b >= HDR.U, (b - HDR.U) >> lgD, 0.U)
  }
  val rowA = rowOf(beat)
  // Staging reads a cycle late (block RAM): ask now for the rows of the beat and tag of the next cycle,
  // so that their bytes are there when that beat goes out.
  val beatNext = Mux(pickNow, 0.U, Mux(io.tx.fire, beat + 1.U, beat))
  val rowNext = Mux(pickNow, pick, cur.tag) * p.rowsPerSlot.U + rowOf(beatNext)
  io.stagingRow(0) := rowNext(log2Ceil(p.stagingRows) - 1, 0)
  io.stagingRow(1) := (rowNext + 1.U)(log2Ceil(p.stagingRows) - 1, 0) // past the slot only when unused
  val win = io.stagingData(0) ++ io.stagingData(1)
  val lanes = Wire(Vec(D, UInt(8.W)))
  for (j <- 0 until D) {
    val b = base + j.U
    val pIdx = b - HDR.U
    val q = (pIdx - (rowA << lgD))(lgD, 0)
    lanes(j) := Mux(b < HDR.U, hdr(b(5, 0)), Mux(b < HDR.U + v.len, VecInit(win)(q), 0.U))
  }
  val lastBeat = beat === nBeats - 1.U
  val keepLast = VecInit((0 until D).map(j => base + j.U < frameLen)).asUInt
  io.tx.valid := state === S.Send
  io.tx.bits.data := lanes.asUInt
  io.tx.bits.keep := Mux(lastBeat, keepLast, Fill(D, 1.U(1.W)))
  io.tx.bits.last := lastBeat
  when(io.tx.fire) {
    beat := beat + 1.U
    when(lastBeat) { state := Mux(v.hasGrant || v.releaseBlock, S.Release, S.Finish) }
  }

  // ---- tell the host what it may unpin, then hand the tag back (in this order: see VtoeAdapter) ----
  val needRelease = v.hasGrant || v.releaseBlock
  when(state === S.Release && (!needRelease || io.release.fire)) { state := S.Finish }
  io.release.valid := state === S.Release && needRelease
  io.release.bits.tag := Mux(v.hasGrant, cur.tag, 0.U)
  io.release.bits.conn := v.conn
  io.release.bits.va := Mux(v.hasGrant, v.va, v.blockVa)
  io.release.bits.len := Mux(v.hasGrant, v.len, v.blockSize)
  io.release.bits.prepinned := !v.hasGrant
  io.tagDone.valid := state === S.Finish
  io.tagDone.bits.tag := cur.tag
  io.tagDone.bits.conn := v.conn
  io.tagDone.bits.sent := cur.send
  io.tagDone.bits.seqEnd := v.seq + v.len
  io.tagDone.bits.retx := v.retx
  io.tagDone.bits.epoch := v.epoch
  io.finish.valid := io.tagDone.fire
  io.finish.bits := cur.tag
  when(io.tagDone.fire) { state := S.Idle }

  when(state === S.Send) {
    assert(v.len =/= 0.U && v.len <= p.slotBytes.U, "TxFramer: segment length outside 1..slotBytes")
  }
}
