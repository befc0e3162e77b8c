#include "port_trace.h"

#include <cerrno>
#include <cstring>
#include <stdexcept>

#include "verilated.h"

namespace vtoe {

namespace {
inline uint64_t mix(uint64_t h, uint64_t x) {
    h = ((h << 5) | (h >> 59)) ^ x;
    return h * 0x9E3779B97F4A7C15ULL;
}

int maxWords(const TopApi* api) {
    int m = 1;
    for (int i = 0; i < api->nports; i++) m = api->ports[i].words > m ? api->ports[i].words : m;
    return m;
}
}  // namespace

InputSlots::InputSlots(const TopApi* api) : payloadSlot(api->nports, -1) {
    slots.push_back({RESET, -1, 0, "reset"});
    for (int i = 0; i < api->nports; i++) {
        const PortDesc& d = api->ports[i];
        if (d.input) {
            slots.push_back({VALID, i, 0, std::string(d.name) + "_valid"});
            payloadSlot[i] = static_cast<int>(slots.size());
            int w = 0;
            for (int f = 0; f < d.nfields; f++) {
                const int fw = (d.fields[f].width + 63) / 64;
                for (int k = 0; k < fw; k++, w++)
                    slots.push_back({PAYLOAD, i, w,
                                     std::string(d.name) + "_bits_" + d.fields[f].name + (fw > 1 ? "[" + std::to_string(k) + "]" : "")});
            }
        } else {
            slots.push_back({READY, i, 0, std::string(d.name) + "_ready"});
        }
    }
}

void readInputs(const TopApi* api, void* top, const InputSlots& s, uint8_t reset, uint64_t* values) {
    values[0] = reset;
    for (size_t k = 1; k < s.slots.size();) {
        const InputSlots::Slot& sl = s.slots[k];
        if (sl.kind == InputSlots::READY) {
            values[k++] = api->getReady(top, sl.port);
        } else {  // VALID, then the port's payload words in one call
            values[k++] = api->getValid(top, sl.port);
            api->getPayload(top, sl.port, values + k);
            k += api->ports[sl.port].words;
        }
    }
}

uint64_t hashOutputs(const TopApi* api, void* top, uint64_t* scratch, bool inReset) {
    uint64_t h = 0x243F6A8885A308D3ULL;
    if (inReset) return h;
    for (int i = 0; i < api->nports; i++) {
        const PortDesc& d = api->ports[i];
        if (d.input) {
            // Likewise an input's ready: only the handshake it makes with our valid is the port's doing.
            h = mix(h, api->getValid(top, i) & api->getReady(top, i));
        } else {
            const uint8_t valid = api->getValid(top, i);
            h = mix(h, valid);
            // A payload means something only while valid. Left out otherwise, so that what the bus never
            // offers (say, state without reset, randomised from the seed) is no difference between two designs.
            if (!valid) continue;
            api->getPayload(top, i, scratch);
            for (int w = 0; w < d.words; w++) h = mix(h, scratch[w]);
        }
    }
    h ^= h >> 33;
    h *= 0xc4ceb9fe1a85ec53ULL;
    return h ^ (h >> 33);
}

uint64_t paramsHash(const TopApi* api) {
    // FNV-1a over params.json: the elaboration the trace belongs to. How the clock is gated is left out
    // (", \"clockGate\": N" and ", \"gateHoldCycles\": N"): it must not change a port in any cycle, and a
    // replay of a trace on a build gated otherwise is what proves that (GatedClockIT).
    static const char* const kIgnored[] = {", \"clockGate\": ", ", \"gateHoldCycles\": "};
    uint64_t h = 0xcbf29ce484222325ULL;
    for (const char* p = api->paramsJson; *p;) {
        bool skipped = false;
        for (const char* k : kIgnored) {
            const size_t n = std::strlen(k);
            if (std::strncmp(p, k, n) == 0) {
                p += n;
                while (*p >= '0' && *p <= '9') p++;
                skipped = true;
            }
        }
        if (skipped) continue;
        h = (h ^ static_cast<uint8_t>(*p)) * 0x100000001b3ULL;
        p++;
    }
    return h;
}

void initContext(VerilatedContext* ctx, uint64_t seed) {
    ctx->randReset(2);
    ctx->randSeed(static_cast<int>(seed ^ (seed >> 32)));
    ctx->fatalOnError(false);
}

PortTraceWriter::PortTraceWriter(const std::string& path, const TopApi* api, uint64_t seed)
    : api_(api), path_(path), slots_(api) {
    f_ = std::fopen(path.c_str(), "wb");
    if (!f_) throw std::runtime_error("cannot write the port trace " + path + ": " + std::strerror(errno));
    last_.assign(slots_.slots.size(), 0);
    now_.assign(slots_.slots.size(), 0);
    scratch_.assign(maxWords(api), 0);
    fps_.reserve(porttrace::kCheckpoint);
    buf_.reserve(1 << 20);
    buf_.insert(buf_.end(), porttrace::kMagic, porttrace::kMagic + 8);
    u32(porttrace::kVersion);
    str(api->name);
    u64(seed);
    u64(paramsHash(api));
    u32(porttrace::kCheckpoint);
    u32(static_cast<uint32_t>(slots_.slots.size()));
    for (const auto& s : slots_.slots) str(s.name);
}

PortTraceWriter::~PortTraceWriter() {
    if (f_) std::fclose(f_);  // not closed properly: the file has no end record and replays refuse it
}

void PortTraceWriter::var(uint64_t v) {
    while (v >= 0x80) {
        buf_.push_back(static_cast<uint8_t>(v | 0x80));
        v >>= 7;
    }
    buf_.push_back(static_cast<uint8_t>(v));
}

void PortTraceWriter::u32(uint32_t v) {
    for (int i = 0; i < 4; i++) buf_.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

void PortTraceWriter::u64(uint64_t v) {
    for (int i = 0; i < 8; i++) buf_.push_back(static_cast<uint8_t>(v >> (8 * i)));
}

void PortTraceWriter::str(const std::string& s) {
    u32(static_cast<uint32_t>(s.size()));
    buf_.insert(buf_.end(), s.begin(), s.end());
}

void PortTraceWriter::flushBuffer() {
    if (!buf_.empty() && std::fwrite(buf_.data(), 1, buf_.size(), f_) != buf_.size())
        throw std::runtime_error("cannot write the port trace " + path_ + ": " + std::strerror(errno));
    buf_.clear();
}

void PortTraceWriter::inputs(uint64_t cycle, void* top, uint8_t reset) {
    inReset_ = reset != 0;
    readInputs(api_, top, slots_, reset, now_.data());
    changed_.clear();
    for (uint32_t k = 0; k < now_.size(); k++)
        if (first_ || now_[k] != last_[k]) changed_.push_back(k);
    first_ = false;
    if (changed_.empty()) return;
    buf_.push_back(porttrace::kInputs);
    var(cycle);
    var(changed_.size());
    for (uint32_t k : changed_) {
        var(k);
        var(now_[k]);
        last_[k] = now_[k];
    }
    if (buf_.size() >= (1u << 20)) flushBuffer();
}

void PortTraceWriter::outputs(uint64_t cycle, void* top) {
    if (fps_.empty()) blockFirst_ = cycle;
    const uint64_t h = hashOutputs(api_, top, scratch_.data(), inReset_);
    running_ = runningHash(running_, h);
    fps_.push_back(fingerprint(h));
    if (fps_.size() == porttrace::kCheckpoint) flushCheckpoint();
}

void PortTraceWriter::flushCheckpoint() {
    if (fps_.empty()) return;
    buf_.push_back(porttrace::kCheck);
    var(blockFirst_);
    var(fps_.size());
    for (uint32_t fp : fps_) u32(fp);
    u64(running_);
    fps_.clear();
}

void PortTraceWriter::close(uint64_t cycles, uint64_t endedKind) {
    if (!f_) return;
    flushCheckpoint();
    buf_.push_back(porttrace::kEnd);
    var(cycles);
    var(endedKind);
    u64(running_);
    flushBuffer();
    const int rc = std::fclose(f_);
    f_ = nullptr;
    if (rc != 0) throw std::runtime_error("cannot write the port trace " + path_ + ": " + std::strerror(errno));
}

}  // namespace vtoe
