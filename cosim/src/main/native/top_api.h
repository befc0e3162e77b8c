// The interface between the generic simulator and one Verilated top. Generated per top by
// vtoe.cosim.build.TopTableGenerator from the top's Verilog header, so that port access is by integer
// id and never by name in the cycle loop.
#pragma once
#include <cstdint>

class VerilatedContext;
class VerilatedFstC;

namespace vtoe {

struct FieldDesc {
    const char* name;  // payload field, e.g. "headVa" for s_doorbell_bits_headVa
    int width;         // bits
};

struct PortDesc {
    const char* name;  // bus name, e.g. "s_doorbell"
    bool input;        // s_* (driven by the testbench) or m_* (driven by the design)
    int nfields;
    const FieldDesc* fields;
    int words;  // payload size in 64-bit words, each field rounded up to whole words
};

struct TopApi {
    const char* name;
    const char* paramsJson;  // params.json written by the elaboration
    int nports;
    const PortDesc* ports;
    void* (*create)(VerilatedContext*);
    void (*destroy)(void*);
    void (*eval)(void*);
    // The rising edge (clock 0 -> 1, evaluated) when no input changed since the last eval or rise: the
    // same result as setClock(1) + eval(), without recomputing the logic that depends on the inputs.
    void (*rise)(void*);
    void (*finalize)(void*);
    void (*setClock)(void*, uint8_t);
    void (*setReset)(void*, uint8_t);
    void (*trace)(void*, VerilatedFstC*, int levels);
    uint8_t (*getValid)(void*, int port);
    uint8_t (*getReady)(void*, int port);
    void (*setValid)(void*, int port, uint8_t);
    void (*setReady)(void*, int port, uint8_t);
    void (*getPayload)(void*, int port, uint64_t* words);
    void (*setPayload)(void*, int port, const uint64_t* words);
};

// Generated translation units register their top at load time.
struct TopRegistrar {
    explicit TopRegistrar(const TopApi* api);
};
const TopApi* findTop(const char* name);
const char* topNames();  // comma-separated, for error messages

}  // namespace vtoe
