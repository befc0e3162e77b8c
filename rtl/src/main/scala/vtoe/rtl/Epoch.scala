package vtoe.rtl

/** Width of a connection's retransmission epoch (see `ConnState.epoch`). A retransmission waits at
  * most a host answer for its bytes, during which a connection goes back or cancels a go-back a few
  * times at most (each needs an RTO expiry or an ACK of new data): 256 epochs never wrap onto a tag
  * still in flight.
  */
object Epoch {
  val Bits = 8
}
