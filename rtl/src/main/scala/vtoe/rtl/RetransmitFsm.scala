package vtoe.rtl

import chisel3._
import chisel3.util._

/** What an ACK or a timer expiry does to a connection (design brief section 5): cumulative ACKs move
  * sndUna, arm retirement of acknowledged blocks and reset backoff; three duplicates arm a fast
  * retransmission of one segment at sndUna, once per duplicate-ACK episode, and not while sndUna is
  * below `recover` (RFC 6582 section 4: after a go-back, the go-back itself makes the peer repeat its
  * ACK, and those duplicates are no news of a loss); an RTO goes back to sndUna with exponential backoff and
  * stops the connection after maxRetries retransmissions; a closed window is probed, and probes that
  * no ACK answers count as retransmissions, so a peer that vanishes behind a closed window ends in
  * RETRY_LIMIT instead of being probed for ever. Combinational:
  * ConnStateUnit applies it in the cycle of the op. `vtoe.model.adapter.RetransmitFsm` mirrors it.
  */
class RetransmitFsm(p: AdapterParams) extends Module {
  override def desiredName = "RetransmitFsm"
  val io = IO(new Bundle {
    val cur = Input(new ConnState(p))
    val headEntry = Input(new RingEntry) // ring[head]
    val ack = Input(new AckInfo(p))
    val now = Input(UInt(PortWidths.Time.W))
    // ACK
    val ackNext = Output(new ConnState(p))
    val ackResult = Output(UInt(4.W))
    val ackRestart = Output(Bool()) // new data acknowledged: restart the timer
    // timer
    val due = Output(Bool())
    val timerNext = Output(new ConnState(p))
    val timerKind = Output(UInt(4.W))
    val timerStop = Output(Bool()) // retry limit reached
  })
  val s = io.cur
  val a = io.ack
  val active = s.state === ConnStateCode.Active.U

  // ---- ACK ----
  val diff = a.ack - s.sndUna
  val outstanding = s.sndMax - s.sndUna
  val isOld = diff(31)
  val isAbove = !isOld && diff > outstanding
  val isNew = !isOld && !isAbove && diff =/= 0.U
  // RFC 7323 section 2.3: SEG.WND << Snd.Wind.Shift (at most 16 + 14 bits).
  val wnd = (a.wnd.pad(32) << s.wndShift)(31, 0)
  // RFC 5681 section 2 (a): a duplicate ACK needs outstanding data, i.e. data that has been sent. A
  // segment cut but still waiting for the host's bytes is not outstanding: ACKs repeated then (the
  // link duplicates, window updates) are no news of a loss.
  val onWire = (s.sndUna - s.sentEnd)(31)
  val isDup = diff === 0.U && onWire && wnd === s.peerWnd && !a.hasPayload
  val headEnd = io.headEntry.seq + io.headEntry.size
  // Everything sent before the last go-back is acknowledged (RFC 6582 3.2 step 1, with recover = sndMax
  // then). Only a go-back sets recover, not a fast retransmit: without NewReno's partial-ACK
  // retransmissions, a new ACK short of recover after a fast retransmit is a new episode (RFC 5681),
  // and holding its fast retransmit back would leave a second hole in the window to the RTO.
  val fastAllowed = (s.sndUna - s.recover)(31) === 0.U
  io.ackNext := s
  io.ackRestart := false.B
  io.ackResult := AckResult.Window.U
  when(!active) {
    io.ackResult := AckResult.Ignored.U
  }.elsewhen(isOld) {
    io.ackResult := AckResult.Old.U
  }.elsewhen(isAbove) {
    io.ackResult := AckResult.Above.U
  }.elsewhen(isNew) {
    io.ackResult := AckResult.New.U
    io.ackRestart := true.B
    io.ackNext.sndUna := a.ack
    when((a.ack - s.sndNxt)(31) === 0.U && a.ack =/= s.sndNxt) { io.ackNext.sndNxt := a.ack }
    io.ackNext.dupAcks := 0.U
    io.ackNext.backoff := 0.U
    io.ackNext.retries := 0.U
    io.ackNext.peerWnd := wnd
    io.ackNext.fastRetx := false.B
    // Drag recover along once passed, so it stays within [sndUna, sndMax] and the modular compare holds.
    when((a.ack - s.recover)(31) === 0.U) { io.ackNext.recover := a.ack }
    io.ackNext.retirePending := s.head =/= s.tail && (a.ack - headEnd)(31) === 0.U
    // The timer restarts (RFC 6298 5.3): a retransmission decided before this ACK and not yet on the
    // wire has lost its licence (finding F3). A new epoch makes the framer drop it, and a go-back that
    // has not begun is forgotten: the timer or three duplicate ACKs will say again what is lost.
    when(s.passPending || s.fastPending) {
      io.ackNext.epoch := s.epoch + 1.U
      io.ackNext.passPending := false.B
      io.ackNext.fastPending := false.B
    }
    when(s.passPending && s.sndNxt =/= s.sndMax) {
      io.ackNext.sndNxt := s.sndMax
      io.ackNext.cursor := s.maxCursor
    }
  }.elsewhen(isDup) {
    // The peer answers and keeps its window closed: it is alive, so probing may go on for ever
    // (RFC 1122 4.2.2.17); only probes nobody answers count towards the retry limit.
    when(wnd === 0.U) { io.ackNext.retries := 0.U }
    io.ackNext.dupAcks := Mux(s.dupAcks === 3.U, 3.U, s.dupAcks + 1.U)
    when(s.dupAcks === 2.U && fastAllowed) {
      io.ackNext.fastRetx := true.B
      io.ackResult := AckResult.FastRetx.U
    }.otherwise {
      io.ackResult := AckResult.Dup.U
    }
  }.otherwise {
    io.ackNext.peerWnd := wnd
    when(wnd === 0.U) { io.ackNext.retries := 0.U }
  }

  // ---- timer ----
  io.due := RetransmitFsm.due(s, io.now)
  val backedOff = Mux(s.backoff === p.maxBackoff.U, s.backoff, s.backoff + 1.U)
  val pending = s.sndNxt =/= s.fetchedEnd
  io.timerNext := s
  io.timerStop := false.B
  // Goes back to sndUna in a new epoch, so the framer drops what the last pass has not sent yet. While
  // the last go-back has not reached the wire, an expiry only backs off: going back again would put a
  // second pass over the same bytes behind the first, and the two would leave back to back, the second
  // well before its doubled RTO (RFC 6298 5.5; finding F3).
  def rewind(probe: Boolean): Unit = {
    when(!s.passPending) {
      io.timerNext.sndNxt := s.sndUna
      io.timerNext.cursor := s.head
      io.timerNext.dupAcks := 0.U
      io.timerNext.fastRetx := false.B
      io.timerNext.recover := s.sndMax
      io.timerNext.epoch := s.epoch + 1.U
      io.timerNext.passPending := true.B
      io.timerNext.fastPending := false.B
      if (probe) io.timerNext.probe := true.B
    }
    io.timerNext.backoff := backedOff
  }
  when(outstanding === 0.U) {
    io.timerKind := TimerKind.Persist.U
    io.timerNext.backoff := backedOff
    io.timerNext.probe := s.peerWnd === 0.U && pending
  }.elsewhen(s.peerWnd === 0.U) {
    io.timerKind := TimerKind.ZeroWindow.U
    when(s.retries === p.maxRetries.U) {
      io.timerStop := true.B // a peer that vanished behind a closed window
    }.otherwise {
      io.timerNext.retries := s.retries + 1.U
      rewind(probe = true)
    }
  }.otherwise {
    io.timerKind := TimerKind.Rto.U
    when(s.retries === p.maxRetries.U) {
      io.timerStop := true.B
    }.otherwise {
      io.timerNext.retries := s.retries + 1.U
      rewind(probe = false)
    }
  }
}

object RetransmitFsm {
  /** The timer has expired and may be served (not while acknowledged blocks wait to be retired). */
  def due(s: ConnState, now: UInt): Bool =
    s.state === ConnStateCode.Active.U && s.timerOn && !s.retirePending && (now - s.deadline)(63) === 0.U
}
