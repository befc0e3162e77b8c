// One co-simulation instance: a Verilated top, generic ready/valid bus models on every port, an
// optional AXI read responder, tracing, and the shared buffer Java reads and writes in place.
//
// Java deals in transactions, this file in beats: Java pushes input transactions into per-port
// source rings (each with a not-before cycle) and reads every handshake, stamped with cycles, from
// per-port observed rings. One step() call runs many cycles; it returns early only when Java has
// something to react to (a wake port handshake), a ring needs service, or the simulation failed.
#pragma once
#include <cstdint>
#include <deque>
#include <memory>
#include <string>
#include <vector>

#include "port_trace.h"
#include "top_api.h"

class VerilatedContext;
class VerilatedFstC;

namespace vtoe {

enum Status : uint64_t {
    ST_TARGET = 1,      // reached the requested cycle
    ST_WAKE = 2,        // a handshake on a wake port (Java reacts to it)
    ST_DRAIN = 4,       // an observed ring is nearly full: read it and call step again
    ST_REFILL = 8,      // a source ring ran low while Java has more to push
    ST_FATAL = 16,      // $fatal or a failed assertion
    ST_STOP = 32,       // $stop
    ST_FINISH = 64,     // $finish
    ST_PROTOCOL = 128,  // a bus protocol rule was broken by the design
};
constexpr uint64_t ST_ENDED = ST_FATAL | ST_STOP | ST_FINISH | ST_PROTOCOL;

// A ring of fixed-size entries of 64-bit words in the shared buffer. Indices only grow; the slot is
// index & (capacity - 1). One producer, one consumer, no concurrency (the JNI call is synchronous).
struct Ring {
    enum { HEAD = 0, TAIL = 1, CAPACITY = 2, ENTRY_WORDS = 3, MORE = 4, LOW_WATER = 5, HEADER_WORDS = 8 };
    uint64_t* hdr = nullptr;
    uint64_t* data = nullptr;
    uint64_t cap = 0, words = 0;

    uint64_t size() const { return hdr[TAIL] - hdr[HEAD]; }
    bool empty() const { return hdr[HEAD] == hdr[TAIL]; }
    uint64_t free() const { return cap - size(); }
    uint64_t* front() const { return data + (hdr[HEAD] & (cap - 1)) * words; }
    void pop() { hdr[HEAD]++; }
    uint64_t* slot() const { return data + (hdr[TAIL] & (cap - 1)) * words; }
    void commit() { hdr[TAIL]++; }
};

// Cyclic allow/pause pattern: bit i (of n) says whether a ready may be given or a valid started in
// cycles where cycle % n == i. An empty pattern always allows. Java generates the bits from its own
// seeded streams, so the native side holds no random state of its own.
struct Pattern {
    std::vector<uint64_t> bits;
    uint64_t n = 0;
    bool at(uint64_t cycle) const {
        if (n == 0) return true;
        const uint64_t k = cycle % n;
        return (bits[k >> 6] >> (k & 63)) & 1;
    }
};

struct PortRt {
    const PortDesc* d = nullptr;
    int index = 0;
    Ring src;  // inputs only: transactions from Java, entry = [notBefore, payload...]
    Ring obs;  // every handshake, entry = [startCycle, endCycle, payload...]
    Pattern pattern;
    bool wake = false;
    int wakeLastWord = -1;  // >= 0: wake only when this payload word (the 'last' field) is set
    bool responder = false;  // driven by the read responder instead of the generic model
    // generic source state
    bool driving = false;
    uint64_t validSince = 0;
    // what this Sim last wrote to the port's valid (inputs) or ready (outputs) pin; -1: not yet.
    // Pins are only written when the value changes, and an output's ready is read from here.
    int8_t pinValid = -1, pinReady = -1;
    // output monitor state
    bool wasValid = false;
    uint64_t outValidSince = 0;
    bool stalled = false;
    std::vector<uint64_t> stalledPayload, scratch;
};

// AXI4-style read slave over host memory owned by Java (a direct ByteBuffer read in place).
struct ReadResponder {
    int arPort = -1, rPort = -1;
    int arId = -1, arAddr = -1, arLen = -1;  // word offsets of the AR payload fields
    int rId = -1, rData = -1, rLast = -1, rResp = -1, rDataWords = 0;
    uint64_t dataBytes = 8;
    std::vector<uint64_t> latencies;  // cycles from AR handshake to first R beat, used in turn
    size_t latIdx = 0;
    uint64_t maxOutstanding = 8;
    bool reorder = false;  // answer ready requests of different ids out of order
    Pattern arPattern, rPattern;
    Pattern duplicate;  // bit k: burst k (in completion order) is answered a second time (a host bug)
    uint64_t completed = 0;
    // A duplicate is stray data only while no read of its id is outstanding: one is made only then, and no new
    // request is accepted until it has been sent (else the adapter would take it as the answer to a new read).
    bool dupInFlight = false;
    struct ErrRange {
        uint64_t lo, hi, resp;
    };
    std::vector<ErrRange> errors;  // [lo, hi) answered with resp instead of data
    struct Req {
        uint64_t id, addr, len, readyAt;
        bool dup = false;
    };
    std::deque<Req> pending;
    bool active = false;
    Req cur{};
    uint64_t beat = 0;
    bool rValid = false;
    std::vector<uint64_t> rWords;
};

class Sim {
public:
    Sim(const TopApi* api, uint64_t seed, bool traceEver, uint64_t ringEntries);
    ~Sim();

    const TopApi* api() const { return api_; }
    uint64_t cycle() const { return cycle_; }
    void reset(uint64_t cycles);
    uint64_t step(uint64_t untilCycle);
    std::string describe() const;
    uint8_t* shared() { return reinterpret_cast<uint8_t*>(shared_.data()); }
    uint64_t sharedBytes() const { return shared_.size() * 8; }
    const std::string& message() const { return message_; }
    std::string portStates();

    void setPattern(int port, const uint64_t* bits, uint64_t n);
    void setWake(int port, int mode);  // 0 never, 1 every handshake, 2 handshakes with last set
    /** Host memory for the read responder: PAs [paBase, paBase + bytes) are base[0 .. bytes). */
    void setHostMemory(uint8_t* base, uint64_t bytes, uint64_t paBase);
    void attachReadResponder(int arPort, int rPort, const std::vector<uint64_t>& latencies,
                             uint64_t maxOutstanding, bool reorder, const uint64_t* arBits, uint64_t arN,
                             const uint64_t* rBits, uint64_t rN, const std::vector<uint64_t>& errorTriples,
                             const uint64_t* dupBits, uint64_t dupN);
    void traceOpen(const std::string& path, uint64_t fromCycle);
    void traceClose();
    /** Records every cycle's inputs and an output hash to a port trace (vtoe_replay); from cycle 0 only. */
    void recordOpen(const std::string& path);
    /** Ends the port trace (also done when the Sim is destroyed). */
    void recordClose();
    /** Writes this run's coverage counters (coverage builds only); false in a normal build. */
    bool writeCoverage(const std::string& path);

    // Called from the Verilator hooks on this thread while this Sim is stepping.
    void onEnd(uint64_t kind, const std::string& what);
    static Sim* current();

private:
    void driveInputs();
    void sampleAndCommit(uint64_t& status);
    void dumpTrace(uint64_t halfCycleTime);
    void protocolError(const std::string& what);
    void record(PortRt& p, uint64_t start, const uint64_t* payload);
    void driveValid(PortRt& p, bool v) {
        if (p.pinValid != static_cast<int8_t>(v)) {
            api_->setValid(top_, p.index, v);
            p.pinValid = v;
            inputsChanged_ = true;
        }
    }
    void driveReady(PortRt& p, bool r) {
        if (p.pinReady != static_cast<int8_t>(r)) {
            api_->setReady(top_, p.index, r);
            p.pinReady = r;
            inputsChanged_ = true;
        }
    }
    void drivePayload(PortRt& p, const uint64_t* words) {
        api_->setPayload(top_, p.index, words);
        inputsChanged_ = true;
    }
    void responderDrive();
    void responderSample(PortRt& ar, PortRt& r, uint64_t& status);
    std::string payloadString(const PortRt& p, const uint64_t* w) const;

    const TopApi* api_;
    std::unique_ptr<VerilatedContext> ctx_;
    void* top_ = nullptr;
    std::unique_ptr<VerilatedFstC> tfp_;
    std::string tracePath_;
    uint64_t traceFrom_ = 0;
    bool traceEver_ = false;
    uint64_t seed_ = 0;
    bool traceWanted_ = false;
    uint64_t cycle_ = 0;
    uint64_t ended_ = 0;
    std::string message_;
    std::vector<uint64_t> shared_;
    std::vector<PortRt> ports_;
    uint8_t* mem_ = nullptr;
    uint64_t memBytes_ = 0;
    uint64_t memBase_ = 0;  // the PA of mem_[0]: a window above 4 GiB exercises the upper address bits
    std::unique_ptr<ReadResponder> rsp_;
    bool drain_ = false;  // an observed ring is nearly full (set where entries are added)
    std::unique_ptr<PortTraceWriter> rec_;  // null unless recording: one branch per cycle when off
    uint8_t resetLevel_ = 0;
    // An input pin changed since the last evaluation. If none did, the falling edge has nothing to
    // evaluate (the last rising edge left every signal settled for these inputs) and is skipped.
    bool inputsChanged_ = true;
};

// Text printed by Verilator in the current step ($error lines), for exception messages.
void clearPrinted();
std::string printed();

}  // namespace vtoe
