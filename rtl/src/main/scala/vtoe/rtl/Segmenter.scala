package vtoe.rtl

import chisel3._
import chisel3.util._

/** Cuts the next segment of a connection from its retained ring: never beyond its descriptor block,
  * never beyond MSS, never a sliver of a window (see `Segmenter.windowAllows`), never beyond the peer window (except a 1-byte probe into a closed window, and a
  * fast retransmission at sndUna, which resends bytes already in the window), and a retransmission
  * never beyond sndMax. Combinational: the
  * ConnStateUnit applies the result in the cycle it cuts. `vtoe.model.adapter.Segmenter` is the same
  * function in Java.
  */
class Segmenter(p: AdapterParams) extends Module {
  override def desiredName = "Segmenter"
  val io = IO(new Bundle {
    val cur = Input(new ConnState(p))
    val entry = Input(new RingEntry) // ring[head] when useHead, else ring[cursor]
    val useHead = Output(Bool())
    val seq = Output(UInt(32.W))
    val len = Output(UInt(32.W))
    val kind = Output(UInt(2.W))
    val psh = Output(Bool())
    val prepinned = Output(Bool())
    val releaseBlock = Output(Bool())
    val va = Output(UInt(64.W))
    val pa = Output(UInt(64.W))
    val next = Output(new ConnState(p))
  })
  val s = io.cur
  val e = io.entry
  io.useHead := s.fastRetx
  val seq = Mux(s.fastRetx, s.sndUna, s.sndNxt)
  val end = e.seq + e.size
  val blockRem = end - seq
  val mssW = s.mss.pad(32)
  val byMss = Mux(blockRem < mssW, blockRem, mssW)
  val rem = Segmenter.windowLeft(s)
  val byWnd = Mux(rem < byMss, rem, byMss)
  val raw = Mux(s.fastRetx, byMss, Mux(s.probe, 1.U, byWnd))
  val isRetx = (seq - s.sndUna) < (s.sndMax - s.sndUna)
  // A retransmission stops at sndMax: bytes past it were never sent and go as SEND (for PREPINNED,
  // from the descriptor's PA, which is also what releases the block).
  val toMax = s.sndMax - seq
  val len = Mux(isRetx && raw > toMax, toMax, raw)
  val kind = Mux(isRetx, SegKind.Retx.U, SegKind.Send.U)
  val nxt = Mux(s.fastRetx, s.sndNxt, seq + len)
  val psh = seq + len === end
  io.seq := seq
  io.len := len
  io.kind := kind
  io.psh := psh
  io.prepinned := s.mode === 2.U && kind === SegKind.Send.U
  io.releaseBlock := io.prepinned && psh
  io.va := e.va + (seq - e.seq)
  io.pa := e.pa + (seq - e.seq)
  io.next := s
  io.next.sndNxt := nxt
  io.next.sndMax := Mux((nxt - s.sndUna) > (s.sndMax - s.sndUna), nxt, s.sndMax)
  io.next.cursor := Mux(!s.fastRetx && psh, s.cursor + 1.U, s.cursor)
  io.next.maxCursor := Mux((nxt - s.sndUna) > (s.sndMax - s.sndUna), io.next.cursor, s.maxCursor)
  io.next.fastRetx := false.B
  io.next.fastPending := s.fastPending || s.fastRetx
  io.next.probe := false.B
}

object Segmenter {
  /** Bytes the peer window still takes past sndNxt (0 when closed or overrun). */
  def windowLeft(s: ConnState): UInt = {
    val used = s.sndNxt - s.sndUna
    Mux(s.peerWnd > used, s.peerWnd - used, 0.U)
  }

  /** Sender silly-window avoidance (RFC 9293 3.8.6.2.1, MUST-38; the algorithm of RFC 1122 4.2.3.4): new
    * data goes only when the window takes a full segment (MSS, or all the data fetched if that is
    * less), or when nothing is in flight, so that no ACK is coming to open the window further (where
    * RFC 1122 waits for its override timeout, the adapter sends at once: it keeps no such timer). A
    * window that opened by a few bytes waits for the ACKs that open it further, where the adapter used
    * to cut a segment to the window's edge and leave a sliver of its block for the next one (against
    * the Linux peer, whose window of 65535 is no multiple of the MSS: thousands of 1-byte segments).
    */
  def windowAllows(s: ConnState): Bool = {
    val left = windowLeft(s)
    val queued = s.fetchedEnd - s.sndNxt
    val mss = s.mss.pad(32)
    val want = Mux(queued < mss, queued, mss)
    left =/= 0.U && (left >= want || s.sndNxt === s.sndUna)
  }

  /** Whether the connection has a segment to cut now (tags and queues aside). */
  def eligible(s: ConnState): Bool =
    s.state === ConnStateCode.Active.U && !s.retirePending &&
      (s.fastRetx || (s.sndNxt =/= s.fetchedEnd && (s.probe || windowAllows(s))))
}
