package vtoe.rtl

/** Numbers shared by the RTL, the TLM (`vtoe.model.adapter.Codes`) and the trace: checked by a test. */
object Op {
  val Open = 1 // connection enabled: seq = first seq, len = peer window, aux = mss | rto << 16
  val Desc = 2 // descriptor appended to the retained ring: seq, len = size, aux = descVa
  val Seg = 3 // segment cut: tag, seq, len, aux = kind | psh << 2 | prepinned path << 3 | release block << 4
  val Ack = 4 // ACK applied: seq = ack, len = window, aux = AckResult | dupAcks << 4
  val Retire = 5 // retained entry fully acknowledged (completion): seq = its end, aux = descVa
  val Timer = 6 // timer expired: aux = TimerKind | backoff << 4 | retries << 8
  val TagDone = 7 // a tag's frame was sent (aux = 1) or dropped (aux = 0); the tag is free again; seq = its segment's end
  val Fault = 8 // a tag failed (host FAULT, bad response, DMA error): aux = event code
  val Stop = 9 // connection stopped: aux = event code of the cause, 0 = disabled through CTRL
  val Drain = 10 // stopped PREPINNED connection walks its ring: seq, len = size, aux = VA, tag = 1 if released here
  val Skip = 11 // the send queue's head connection is no longer eligible: dropped from the queue
  // the timer wheel looked at a connection whose timer is not due: tag = 1 put back, aux = the slot number it
  // went to (time >> log2(timerSlotCycles)); tag = 0 dropped (its timer has stopped). A due one is a TIMER.
  val Wheel = 12
  val all: Seq[(String, Int)] = Seq("OPEN" -> Open, "DESC" -> Desc, "SEG" -> Seg, "ACK" -> Ack, "RETIRE" -> Retire,
    "TIMER" -> Timer, "TAG_DONE" -> TagDone, "FAULT" -> Fault, "STOP" -> Stop, "DRAIN" -> Drain, "SKIP" -> Skip,
    "WHEEL" -> Wheel)
}

object SegKind {
  val Send = 0 // first transmission of these bytes
  val Retx = 1 // bytes sent before (seq below sndMax)
  val all: Seq[(String, Int)] = Seq("SEND" -> Send, "RETRANSMIT" -> Retx) // names for the waves (params.json)
}

object AckResult {
  val New = 0 // acknowledged new data
  val Dup = 1 // duplicate ACK (counted)
  val FastRetx = 2 // third duplicate: fast retransmit armed
  val Window = 3 // same ack, window update or payload
  val Old = 4 // below sndUna: ignored
  val Above = 5 // above the highest seq sent: ignored
  val Ignored = 6 // connection not active
  val all: Seq[(String, Int)] = Seq("NEW" -> New, "DUP" -> Dup, "FAST_RETX" -> FastRetx, "WINDOW" -> Window,
    "OLD" -> Old, "ABOVE" -> Above, "IGNORED" -> Ignored)
}

object TimerKind {
  val Rto = 0 // outstanding data: go back to sndUna, count a retry
  val ZeroWindow = 1 // outstanding data into a closed window: resend, no retry counted
  val Persist = 2 // nothing outstanding, window closed, data waiting: send a 1-byte probe
  val all: Seq[(String, Int)] = Seq("RTO" -> Rto, "ZERO_WINDOW" -> ZeroWindow, "PERSIST" -> Persist)
}

object ConnStateCode {
  val Idle = 0
  val Active = 1
  val Stopped = 2
  val all: Seq[(String, Int)] = Seq("IDLE" -> Idle, "ACTIVE" -> Active, "STOPPED" -> Stopped)
}

/** Why AckParser dropped a frame, in the order it checks (first that applies wins). */
object RxClass {
  val Ok = 0
  val TooShort = 1 // fewer than 54 bytes
  val NotIpv4 = 2 // ethertype is not 0x0800
  val BadIpHeader = 3 // version 4 with IHL 5 (no options) only
  val BadIpLength = 4 // total length < 40 or beyond the frame
  val Fragmented = 5
  val BadIpChecksum = 6
  val NotTcp = 7
  val BadTcpHeader = 8 // data offset < 5 or beyond the IP payload
  val BadTcpChecksum = 9
  val NotForOffload = 10 // SYN, FIN or RST set, or ACK clear: the host's software handles those
  val UnknownConn = 11 // no enabled connection with these MACs, addresses and ports
  val count = 12
  val all: Seq[(String, Int)] = Seq("OK" -> Ok, "TOO_SHORT" -> TooShort, "NOT_IPV4" -> NotIpv4,
    "BAD_IP_HEADER" -> BadIpHeader, "BAD_IP_LENGTH" -> BadIpLength, "FRAGMENTED" -> Fragmented,
    "BAD_IP_CHECKSUM" -> BadIpChecksum, "NOT_TCP" -> NotTcp, "BAD_TCP_HEADER" -> BadTcpHeader,
    "BAD_TCP_CHECKSUM" -> BadTcpChecksum, "NOT_FOR_OFFLOAD" -> NotForOffload, "UNKNOWN_CONN" -> UnknownConn)
}

object HostRespStatus {
  val Ok = 0
  val Fault = 1
  val all: Seq[(String, Int)] = Seq("OK" -> Ok, "FAULT" -> Fault)
}

object BadResponse {
  val BeatCount = 1 // PUSH data beats do not cover exactly the requested length
  val ExtentLength = 2 // TRANSLATE extents do not add up to the requested length, or one is empty
  val TooManyExtents = 3 // more extents than the adapter can hold for one tag
}
