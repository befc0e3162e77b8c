// Port trace: every input value a Verilated top saw, cycle by cycle, and a hash of every output
// value, so that the same model can be driven again without Java (vtoe_replay) and shown to have
// reproduced the run bit for bit.
//
// Inputs are "slots" of 64 bits each, in a fixed order built from the top's port table: reset, then
// per port either valid and the payload words (s_* buses, driven by the testbench) or ready (m_*
// buses). Only changes are written: a cycle whose inputs equal the previous cycle's costs nothing.
// That keeps a busy run at a few bytes per cycle (a full copy of all slots would be 8 bytes per slot
// per cycle, about 250 bytes here) at the price that the trace can only be replayed from cycle 0,
// which a model with state needs anyway.
//
// Outputs (valid, and the payload while valid, of m_* buses; ready of s_* buses while valid) are
// hashed once per cycle after the clock-low evaluation, where the bus models sample them. The file
// holds one 32-bit fingerprint per cycle, so a replay names the first cycle that differs, and every
// kCheckpoint cycles the 64-bit running hash over all cycles so far, which is the proof that the
// whole run was reproduced.
//
// File layout (integers little-endian; "var" is an unsigned LEB128 varint):
//   header  "VTOEPTR1", u32 version, str top, u64 seed, u64 paramsHash, u32 checkpoint,
//           u32 nslots, nslots x str name          (str = u32 length + bytes)
//   records, in cycle order, each one tag byte and its fields:
//   'I' var cycle, var n, n x (var slot, var value)      inputs that changed before this cycle
//   'C' var firstCycle, var n, n x u32 fingerprint, u64 running hash after cycle firstCycle+n-1
//   'E' var cycles, var endedKind, u64 running hash      end of the run (kind: vtoe::Status bits)
#pragma once
#include <cstdint>
#include <cstdio>
#include <string>
#include <vector>

#include "top_api.h"

namespace vtoe {

namespace porttrace {
constexpr char kMagic[8] = {'V', 'T', 'O', 'E', 'P', 'T', 'R', '1'};
constexpr uint32_t kVersion = 1;
constexpr uint32_t kCheckpoint = 4096;
constexpr uint8_t kInputs = 'I', kCheck = 'C', kEnd = 'E';
}  // namespace porttrace

// The input slots of one top, in file order.
struct InputSlots {
    enum Kind : uint8_t { RESET, VALID, READY, PAYLOAD };
    struct Slot {
        Kind kind;
        int port;
        int word;
        std::string name;
    };
    std::vector<Slot> slots;
    std::vector<int> payloadSlot;  // per port: first payload slot (inputs), or -1

    explicit InputSlots(const TopApi* api);
};

// Reads every input of the model back into slot values (reset is not readable: the caller passes it).
void readInputs(const TopApi* api, void* top, const InputSlots& s, uint8_t reset, uint64_t* values);

// Hash of all outputs of the model as they are now.
// While reset is held the outputs mean nothing (before its first edge they are the random initial
// state), so every such cycle hashes to one constant.
uint64_t hashOutputs(const TopApi* api, void* top, uint64_t* scratch, bool inReset);

// Folds one cycle's output hash into the running hash.
inline uint64_t runningHash(uint64_t running, uint64_t cycleHash) {
    uint64_t x = ((running << 23) | (running >> 41)) ^ cycleHash;
    x *= 0xff51afd7ed558ccdULL;
    return x ^ (x >> 29);
}

inline uint32_t fingerprint(uint64_t cycleHash) { return static_cast<uint32_t>(cycleHash ^ (cycleHash >> 32)); }

uint64_t paramsHash(const TopApi* api);

// How every context of ours starts (Sim and vtoe_replay alike, or a replay would not be the same run):
// state without reset starts random from the run's seed, and errors end the step instead of exiting.
void initContext(VerilatedContext* ctx, uint64_t seed);

// Written by a running Sim: inputs at the start of every cycle, outputs at the sample point.
class PortTraceWriter {
public:
    PortTraceWriter(const std::string& path, const TopApi* api, uint64_t seed);
    ~PortTraceWriter();
    PortTraceWriter(const PortTraceWriter&) = delete;
    PortTraceWriter& operator=(const PortTraceWriter&) = delete;

    void inputs(uint64_t cycle, void* top, uint8_t reset);
    void outputs(uint64_t cycle, void* top);
    // Writes the pending fingerprints and the end record, and closes the file.
    void close(uint64_t cycles, uint64_t endedKind);
    const std::string& path() const { return path_; }

private:
    void var(uint64_t v);
    void u32(uint32_t v);
    void u64(uint64_t v);
    void str(const std::string& s);
    void flushCheckpoint();
    void flushBuffer();

    const TopApi* api_;
    std::string path_;
    std::FILE* f_ = nullptr;
    InputSlots slots_;
    std::vector<uint64_t> last_, now_, scratch_;
    std::vector<uint32_t> changed_;
    bool inReset_ = false;  // the reset level of the cycle whose inputs came last
    bool first_ = true;
    uint64_t running_ = 0;
    uint64_t blockFirst_ = 0;
    std::vector<uint32_t> fps_;
    std::vector<uint8_t> buf_;
};

}  // namespace vtoe
