package vtoe.rtl

import chisel3._

/** Codes carried on m_event. The Java `vtoe.model.txn.EventCode` enum holds the same numbers and the
  * messages a person reads; `EventCodeTest` checks that the two lists agree through params.json. */
object EventCode {
  /** A descriptor VA (chain head or link) lies outside the connection's descriptor region. detail = VA */
  val DescOutOfRegion = 0x01
  /** A descriptor VA is not 32-byte aligned. detail = VA */
  val DescMisaligned = 0x02
  /** A link points at a descriptor already visited in this chain. detail = VA */
  val DescLoop = 0x03
  /** A descriptor's seq does not continue the previous one. detail = seq << 32 | expected */
  val DescBadSeq = 0x04
  /** A descriptor's size is 0 or above maxBlockBytes. detail = size */
  val DescBadSize = 0x05
  /** The descriptor read returned an error response or a wrong beat count. detail = PA */
  val DescDmaError = 0x06
  /** A doorbell names a connection number the adapter does not have. detail = head VA */
  val DoorbellBadConn = 0x07
  /** A doorbell names a connection that is not enabled. detail = head VA */
  val DoorbellDisabled = 0x08
  /** A DMA read response arrived for an id with no read outstanding; it was dropped. detail = id */
  val DmaStrayResponse = 0x09
  /** The connection was disabled while its chain was being fetched; the chain stopped. detail = VA */
  val ConnDisabled = 0x0a
  /** The host answered a request with FAULT; the connection stopped. detail = VA of the request */
  val HostFault = 0x10
  /** maxRetries RTO expiries in a row; the connection stopped. detail = sndUna */
  val RetryLimit = 0x11
  /** A host response did not fit its request (beats, extent lengths); the connection stopped. detail = tag | reason << 8 */
  val HostBadResponse = 0x12
  /** A host response for a tag with no request outstanding; dropped. detail = tag */
  val HostStrayResponse = 0x13
  /** A PREPINNED descriptor without a PA; the chain stopped. detail = descriptor VA */
  val DescBadPa = 0x14
  /** A payload read returned an error response; the connection stopped. detail = PA */
  val DmaReadError = 0x15

  val all: Seq[(String, Int)] = Seq(
    "DESC_OUT_OF_REGION" -> DescOutOfRegion,
    "DESC_MISALIGNED" -> DescMisaligned,
    "DESC_LOOP" -> DescLoop,
    "DESC_BAD_SEQ" -> DescBadSeq,
    "DESC_BAD_SIZE" -> DescBadSize,
    "DESC_DMA_ERROR" -> DescDmaError,
    "DOORBELL_BAD_CONN" -> DoorbellBadConn,
    "DOORBELL_DISABLED" -> DoorbellDisabled,
    "DMA_STRAY_RESPONSE" -> DmaStrayResponse,
    "CONN_DISABLED" -> ConnDisabled,
    "HOST_FAULT" -> HostFault,
    "RETRY_LIMIT" -> RetryLimit,
    "HOST_BAD_RESPONSE" -> HostBadResponse,
    "HOST_STRAY_RESPONSE" -> HostStrayResponse,
    "DESC_BAD_PA" -> DescBadPa,
    "DMA_READ_ERROR" -> DmaReadError
  )

  def apply(v: Int): UInt = v.U(PortWidths.EventCode.W)

  def toJson: String = all.map { case (k, v) => s""""$k": $v""" }.mkString("{", ", ", "}")
}
