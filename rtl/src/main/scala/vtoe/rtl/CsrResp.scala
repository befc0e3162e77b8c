package vtoe.rtl

import chisel3._

/** m_csr_resp: the answer to one [[CsrReq]], in request order. */
class CsrResp extends Bundle {
  val data = UInt(PortWidths.CsrData.W) // read data, 0 for writes
  val resp = UInt(PortWidths.AxiResp.W) // Csr.RespOkay / RespSlvErr / RespDecErr
}
