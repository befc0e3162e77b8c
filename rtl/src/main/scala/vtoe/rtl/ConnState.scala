package vtoe.rtl

import chisel3._
import chisel3.util._

/** Per-connection transmit state, owned by ConnStateUnit (one read and one write per cycle, in block RAM). */
class ConnState(p: AdapterParams) extends Bundle {
  val state = UInt(2.W) // ConnStateCode
  val mode = UInt(2.W)
  val sndUna = UInt(32.W) // oldest unacknowledged seq
  val sndNxt = UInt(32.W) // next seq to cut (goes back to sndUna on RTO)
  val sndMax = UInt(32.W) // highest seq ever cut: below it a segment is a retransmission
  val fetchedEnd = UInt(32.W) // seq just past the last descriptor in the ring
  // seq just past the highest byte whose frame has left (TAG_DONE, sent). The retransmission timer
  // runs while that data is unacknowledged, not from the decision to send it (RFC 6298 5.1): the
  // host's answer comes between the two, and the timer must not count it. Never above sndMax.
  val sentEnd = UInt(32.W)
  val peerWnd = UInt(32.W) // bytes: SEG.WND << wndShift (16 + 14 bits at most)
  val wndShift = UInt(4.W) // RFC 7323 Snd.Wind.Shift, from the configuration at OPEN
  val mss = UInt(16.W)
  val rto = UInt(32.W)
  val backoff = UInt(4.W)
  val retries = UInt(8.W)
  val dupAcks = UInt(2.W)
  val timerOn = Bool()
  val deadline = UInt(PortWidths.Time.W)
  val fastRetx = Bool() // third duplicate ACK: resend one segment at sndUna
  // sndMax at the last go-back to sndUna (RFC 6582 section 4): until sndUna reaches it, duplicate ACKs
  // are of data sent before that timeout and must not fast-retransmit again. Kept in [sndUna, sndMax].
  val recover = UInt(32.W)
  val probe = Bool() // window closed: send one byte past it
  // Retransmission decisions not yet on the wire (finding F3 of KnownSenderDeviations). The adapter
  // decides a segment when it asks for the bytes and the frame leaves a host answer later; an ACK of
  // new data in between restarts the timer (RFC 6298 5.3), after which a go-back that has not begun on
  // the wire has no licence. `epoch` numbers the connection's retransmission decisions: each go-back
  // and each cancelled one starts a new epoch, and the framer drops a retransmission of an older
  // epoch instead of sending it after what overtook it.
  val epoch = UInt(Epoch.Bits.W)
  val passPending = Bool() // a go-back to sndUna whose first frame has not left yet
  val fastPending = Bool() // a fast retransmission cut whose frame has not left yet
  val maxCursor = UInt((p.ringBits + 1).W) // entry holding sndMax: where a cancelled go-back resumes
  val retirePending = Bool() // the ring's head entry is fully acknowledged
  val head = UInt((p.ringBits + 1).W) // oldest retained entry (with wrap bit)
  val tail = UInt((p.ringBits + 1).W) // next free entry
  val cursor = UInt((p.ringBits + 1).W) // entry holding sndNxt
  val tagsInFlight = UInt(log2Ceil(p.tags + 1).W)
  val lastTag = UInt(p.tagBits.W) // youngest tag of this connection, for in-order framing
  val lastTagValid = Bool()
  val draining = Bool() // stopped PREPINNED connection releasing blocks never retrieved
  val drainPtr = UInt((p.ringBits + 1).W)
  // Membership of ConnStateUnit's connection queues: a connection is in each queue at most once, so
  // a queue of numConns entries never overflows. Kept across OPEN: an old entry may still be queued.
  val sendQueued = Bool() // in the send queue (eligible, or was when queued and not yet looked at)
  val retireQueued = Bool() // in the retire queue
  val drainQueued = Bool() // in the drain queue
  // Membership of the timer wheel: a connection whose timer runs is in one slot's list, threaded through
  // wheelNext; one whose timer stopped may stay until its slot comes up (then it is dropped). Kept across OPEN.
  val inWheel = Bool()
  // A chain of this connection is parked in the descriptor fetch (its ring was full): wake it once the
  // ring has room or the connection stops. Kept across OPEN (a stop has woken it by then).
  val parked = Bool()
  val wheelNextValid = Bool() // false: the last of its slot's list
  val wheelNext = UInt(p.connIdxBits.W)
}
