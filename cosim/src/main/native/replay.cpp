// vtoe_replay: drives a Verilated top from a port trace recorded by a co-simulation (DutOptions
// .portTrace), with no Java, no JNI and no bus models: per cycle only the recorded input changes and
// the two evaluations of the clock. That is the speed limit of the co-simulation of the same run.
//
// With checking on (the default), every cycle's outputs are hashed as the recording did and compared
// with the recorded fingerprint, and the running hash with every checkpoint and the end: the replay
// is then provably the same run, bit for bit at the ports. A difference fails with exit code 1 and
// names the first differing cycle. --no-check leaves the hashing out (the inputs are the same ones).
//
// Output: one JSON line per repeat on stdout, e.g.
//   {"repeat": 0, "top": "VtoeAdapter", "cycles": 785973, "seconds": 1.62, "cyclesPerSecond": 485168,
//    "checked": true, "match": true, "checkpoints": 192}
// Timing covers the cycle loop only (the trace is read and decoded and the model built before).
#include <algorithm>
#include <chrono>
#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "port_trace.h"
#include "top_api.h"
#include "verilated.h"

namespace {

using namespace vtoe;

// Status bits as in vtoe::Status (sim.h): how a run ended.
constexpr uint64_t kFatal = 16, kStop = 32, kFinish = 64;
constexpr uint64_t kModelEnded = kFatal | kStop | kFinish;

std::string g_printed;
uint64_t g_endedKind = 0;
std::string g_endedWhat;

struct Trace {
    std::string path, top;
    uint64_t seed = 0, paramsHash = 0;
    uint32_t checkpoint = 0;
    std::vector<std::string> slotNames;
    struct Change {
        uint32_t slot;
        uint64_t value;
    };
    struct Inputs {
        uint64_t cycle;
        uint32_t first, count;
    };
    std::vector<Change> changes;
    std::vector<Inputs> inputs;
    struct Check {
        uint64_t first;
        uint64_t count;
        uint64_t running;
    };
    std::vector<Check> checks;
    std::vector<uint32_t> fingerprints;  // one per cycle, from cycle 0
    uint64_t cycles = 0, endedKind = 0, finalHash = 0;
    uint64_t bytes = 0;
};

class Parser {
public:
    Parser(const std::string& path, const std::vector<uint8_t>& b) : path_(path), b_(b) {}
    bool done() const { return at_ >= b_.size(); }
    size_t at() const { return at_; }
    uint8_t u8() {
        need(1);
        return b_[at_++];
    }
    uint32_t u32() {
        need(4);
        uint32_t v = 0;
        for (int i = 0; i < 4; i++) v |= static_cast<uint32_t>(b_[at_++]) << (8 * i);
        return v;
    }
    uint64_t u64() {
        need(8);
        uint64_t v = 0;
        for (int i = 0; i < 8; i++) v |= static_cast<uint64_t>(b_[at_++]) << (8 * i);
        return v;
    }
    uint64_t var() {
        uint64_t v = 0;
        for (int shift = 0; shift < 64; shift += 7) {
            const uint8_t c = u8();
            v |= static_cast<uint64_t>(c & 0x7f) << shift;
            if (!(c & 0x80)) return v;
        }
        fail("varint longer than 64 bits");
    }
    std::string str() {
        const uint32_t n = u32();
        need(n);
        std::string s(reinterpret_cast<const char*>(b_.data() + at_), n);
        at_ += n;
        return s;
    }
    [[noreturn]] void fail(const std::string& why) const {
        throw std::runtime_error("corrupt port trace " + path_ + " at byte " + std::to_string(at_) + ": " + why);
    }

private:
    void need(size_t n) const {
        if (b_.size() - at_ < n) fail("truncated (no end record: was the recording closed?)");
    }
    const std::string& path_;
    const std::vector<uint8_t>& b_;
    size_t at_ = 0;
};

Trace load(const std::string& path) {
    std::ifstream in(path, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read the port trace " + path);
    std::vector<uint8_t> b((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    Trace t;
    t.path = path;
    t.bytes = b.size();
    Parser p(path, b);
    char magic[8];
    for (char& c : magic) c = static_cast<char>(p.u8());
    if (std::memcmp(magic, porttrace::kMagic, 8) != 0) p.fail("not a vtoe port trace (bad magic)");
    const uint32_t version = p.u32();
    if (version != porttrace::kVersion)
        p.fail("format version " + std::to_string(version) + ", this replay reads " + std::to_string(porttrace::kVersion));
    t.top = p.str();
    t.seed = p.u64();
    t.paramsHash = p.u64();
    t.checkpoint = p.u32();
    const uint32_t nslots = p.u32();
    for (uint32_t i = 0; i < nslots; i++) t.slotNames.push_back(p.str());
    bool ended = false;
    uint64_t lastInput = 0;
    while (!p.done()) {
        if (ended) p.fail("data after the end record");
        const uint8_t tag = p.u8();
        if (tag == porttrace::kInputs) {
            Trace::Inputs r;
            r.cycle = p.var();
            if (!t.inputs.empty() && r.cycle <= lastInput) p.fail("input records out of cycle order");
            lastInput = r.cycle;
            r.count = static_cast<uint32_t>(p.var());
            r.first = static_cast<uint32_t>(t.changes.size());
            for (uint32_t i = 0; i < r.count; i++) {
                const uint64_t slot = p.var();
                if (slot >= nslots) p.fail("slot " + std::to_string(slot) + " out of range");
                t.changes.push_back({static_cast<uint32_t>(slot), p.var()});
            }
            t.inputs.push_back(r);
        } else if (tag == porttrace::kCheck) {
            Trace::Check c;
            c.first = p.var();
            c.count = p.var();
            if (c.first != t.fingerprints.size()) p.fail("checkpoint does not continue at cycle " + std::to_string(t.fingerprints.size()));
            for (uint64_t i = 0; i < c.count; i++) t.fingerprints.push_back(p.u32());
            c.running = p.u64();
            t.checks.push_back(c);
        } else if (tag == porttrace::kEnd) {
            t.cycles = p.var();
            t.endedKind = p.var();
            t.finalHash = p.u64();
            ended = true;
        } else {
            p.fail("unknown record tag " + std::to_string(tag));
        }
    }
    if (!ended) p.fail("no end record (was the recording closed?)");
    if (t.fingerprints.size() != t.cycles)
        p.fail("fingerprints for " + std::to_string(t.fingerprints.size()) + " cycles, the run had " + std::to_string(t.cycles));
    if (t.cycles > 0 && (t.inputs.empty() || t.inputs[0].cycle != 0)) p.fail("no input record for cycle 0");
    return t;
}

std::string hex(uint64_t v) {
    char b[24];
    std::snprintf(b, sizeof b, "0x%" PRIx64, v);
    return b;
}

std::string jsonStr(const std::string& s) {
    std::string o = "\"";
    for (char c : s) {
        if (c == '"' || c == '\\') {
            o += '\\';
            o += c;
        } else if (c == '\n') {
            o += "\\n";
        } else if (static_cast<unsigned char>(c) < 0x20) {
            o += ' ';
        } else {
            o += c;
        }
    }
    return o + "\"";
}

double threadCpuSeconds() {
    timespec ts;
    clock_gettime(CLOCK_THREAD_CPUTIME_ID, &ts);
    return ts.tv_sec + ts.tv_nsec * 1e-9;
}

struct Result {
    uint64_t cycles = 0;
    double seconds = 0;
    double cpuSeconds = 0;  // CPU time of the replaying thread over the same loop (what other load on the machine does not inflate)
    bool match = true;
    uint64_t firstMismatch = UINT64_MAX;
    std::string message;
};

// Every output of the model now, readable (for the mismatch report).
std::string outputsNow(const TopApi* api, void* top) {
    std::ostringstream o;
    std::vector<uint64_t> w(64);
    for (int i = 0; i < api->nports; i++) {
        const PortDesc& d = api->ports[i];
        if (d.input) {
            o << "\n    " << d.name << "_ready=" << int(api->getReady(top, i));
            continue;
        }
        api->getPayload(top, i, w.data());
        o << "\n    " << d.name << "_valid=" << int(api->getValid(top, i)) << " {";
        int at = 0;
        for (int f = 0; f < d.nfields; f++) {
            const int words = (d.fields[f].width + 63) / 64;
            o << (f ? ", " : "") << d.fields[f].name << "=";
            for (int k = words - 1; k >= 0; k--) o << (k == words - 1 ? "" : "_") << hex(w[at + k]);
            at += words;
        }
        o << "}";
    }
    return o.str();
}

Result replay(const Trace& t, const TopApi* api, bool check, bool plainEval) {
    std::unique_ptr<VerilatedContext> ctx(new VerilatedContext);
    initContext(ctx.get(), t.seed);
    void* top = api->create(ctx.get());
    const InputSlots slots(api);
    struct SlotOp {
        uint8_t kind;
        int16_t port;
        int16_t word;
    };
    std::vector<SlotOp> ops;
    int maxWords = 1;
    for (const auto& s : slots.slots) ops.push_back({s.kind, static_cast<int16_t>(s.port), static_cast<int16_t>(s.word)});
    for (int i = 0; i < api->nports; i++) maxWords = std::max(maxWords, api->ports[i].words);
    std::vector<uint64_t> payload(static_cast<size_t>(api->nports) * maxWords, 0), scratch(maxWords, 0);
    std::vector<int> dirty;
    std::vector<uint8_t> isDirty(api->nports, 0);
    g_endedKind = 0;
    Result r;
    uint64_t running = 0;
    size_t ri = 0, ci = 0;
    uint64_t endedAt = UINT64_MAX;
    std::string lastInputs;
    bool inReset = false;
    const double cpu0 = threadCpuSeconds();
    const auto t0 = std::chrono::steady_clock::now();
    for (uint64_t c = 0; c < t.cycles; c++) {
        // As the co-simulation steps (sim.cpp): the falling edge is evaluated only when an input
        // changed, the rising edge without recomputing what depends on the inputs alone.
        bool changed = c == 0 || plainEval;
        if (ri < t.inputs.size() && t.inputs[ri].cycle == c) {
            changed = true;
            const Trace::Inputs& in = t.inputs[ri++];
            for (uint32_t i = 0; i < in.count; i++) {
                const Trace::Change& ch = t.changes[in.first + i];
                const SlotOp& op = ops[ch.slot];
                switch (op.kind) {
                    case InputSlots::RESET:
                        api->setReset(top, static_cast<uint8_t>(ch.value));
                        inReset = ch.value != 0;
                        break;
                    case InputSlots::VALID: api->setValid(top, op.port, static_cast<uint8_t>(ch.value)); break;
                    case InputSlots::READY: api->setReady(top, op.port, static_cast<uint8_t>(ch.value)); break;
                    default:
                        payload[static_cast<size_t>(op.port) * maxWords + op.word] = ch.value;
                        if (!isDirty[op.port]) {
                            isDirty[op.port] = 1;
                            dirty.push_back(op.port);
                        }
                }
            }
            for (int port : dirty) {
                api->setPayload(top, port, payload.data() + static_cast<size_t>(port) * maxWords);
                isDirty[port] = 0;
            }
            dirty.clear();
        }
        ctx->time(c * 4);
        api->setClock(top, 0);
        if (changed) api->eval(top);
        if (check) {
            const uint64_t h = hashOutputs(api, top, scratch.data(), inReset);
            running = runningHash(running, h);
            if (fingerprint(h) != t.fingerprints[c]) {
                r.match = false;
                r.firstMismatch = c;
                std::ostringstream m;
                m << "port trace " << t.path << ": the replay differs from the recorded run first at cycle " << c
                  << " (outputs' fingerprint recorded " << hex(t.fingerprints[c]) << ", replayed " << hex(fingerprint(h))
                  << "; cycles before it matched). Replayed outputs at cycle " << c << ":" << outputsNow(api, top);
                if (ri > 0) {
                    const Trace::Inputs& in = t.inputs[ri - 1];
                    m << "\n  last input changes, at cycle " << in.cycle << ":";
                    for (uint32_t i = 0; i < in.count && i < 40; i++)
                        m << " " << t.slotNames[t.changes[in.first + i].slot] << "=" << hex(t.changes[in.first + i].value);
                }
                r.message = m.str();
                r.cycles = c + 1;
                break;
            }
            if (ci < t.checks.size() && c + 1 == t.checks[ci].first + t.checks[ci].count) {
                if (running != t.checks[ci].running) {
                    // Fingerprints matched but the 64-bit hash did not: a 32-bit collision hid the first difference.
                    r.match = false;
                    r.firstMismatch = t.checks[ci].first;
                    r.message = "port trace " + t.path + ": the replay differs from the recorded run within cycles " +
                                std::to_string(t.checks[ci].first) + ".." + std::to_string(c) + " (running output hash recorded " +
                                hex(t.checks[ci].running) + ", replayed " + hex(running) + ")";
                    r.cycles = c + 1;
                    break;
                }
                ci++;
            }
        }
        ctx->time(c * 4 + 2);
        if (plainEval) {
            api->setClock(top, 1);
            api->eval(top);
        } else {
            api->rise(top);
        }
        if (g_endedKind && endedAt == UINT64_MAX) endedAt = c;
        r.cycles = c + 1;
    }
    r.seconds = std::chrono::duration<double>(std::chrono::steady_clock::now() - t0).count();
    r.cpuSeconds = threadCpuSeconds() - cpu0;
    if (r.match && check && running != t.finalHash) {
        r.match = false;
        r.firstMismatch = t.cycles;
        r.message = "port trace " + t.path + ": the running output hash at the end differs (recorded " + hex(t.finalHash) +
                    ", replayed " + hex(running) + ")";
    }
    // How the model ended must agree too ($fatal, $stop, $finish; a bus protocol error is the bus
    // models' verdict, which the replay does not have).
    const uint64_t want = t.endedKind & kModelEnded;
    if (r.match && (g_endedKind & kModelEnded) != want) {
        r.match = false;
        r.firstMismatch = endedAt == UINT64_MAX ? t.cycles : endedAt;
        r.message = "port trace " + t.path + ": the recorded run ended with status " + hex(want) + ", the replay with " +
                    hex(g_endedKind & kModelEnded) + (g_endedWhat.empty() ? "" : " (" + g_endedWhat + ")");
    }
    api->finalize(top);
    api->destroy(top);
    return r;
}

int usage(const char* argv0, int rc) {
    std::fprintf(rc ? stderr : stdout,
                 "usage: %s [--no-check] [--plain-eval] [--repeat N] TRACE\n"
                 "  Replays a vtoe port trace on the same Verilated top with no Java and no bus models and\n"
                 "  prints one JSON line per repeat (cycles, seconds of the cycle loop, cycles per second).\n"
                 "  --no-check  do not hash the outputs (default: hash every cycle and compare with the recording;\n"
                 "              the first differing cycle fails the replay with exit code 1)\n"
                 "  --plain-eval  evaluate both edges of every cycle with Verilator's eval() (default: as the\n"
                 "              co-simulation does, the falling edge only after an input changed, the rising edge\n"
                 "              without the input-combinational pass); the outputs must be the same either way\n"
                 "  --repeat N  replay N times, each on a newly built model (default 1)\n",
                 argv0);
    return rc;
}

}  // namespace

int main(int argc, char** argv) {
    bool check = true;
    bool plainEval = false;
    int repeat = 1;
    std::string path;
    for (int i = 1; i < argc; i++) {
        const std::string a = argv[i];
        if (a == "--no-check") {
            check = false;
        } else if (a == "--plain-eval") {
            plainEval = true;
        } else if (a == "--repeat" && i + 1 < argc) {
            repeat = std::atoi(argv[++i]);
            if (repeat < 1) return usage(argv[0], 2);
        } else if (a == "-h" || a == "--help") {
            return usage(argv[0], 0);
        } else if (!a.empty() && a[0] != '-' && path.empty()) {
            path = a;
        } else {
            return usage(argv[0], 2);
        }
    }
    if (path.empty()) return usage(argv[0], 2);
    try {
        const Trace t = load(path);
        const TopApi* api = findTop(t.top.c_str());
        if (!api) throw std::runtime_error("the trace is of top '" + t.top + "', this replay has: " + topNames());
        if (paramsHash(api) != t.paramsHash)
            throw std::runtime_error("the trace was recorded with another elaboration of " + t.top +
                                     " (params.json differs): rebuild, or record again");
        const InputSlots slots(api);
        bool same = slots.slots.size() == t.slotNames.size();
        for (size_t i = 0; same && i < slots.slots.size(); i++) same = slots.slots[i].name == t.slotNames[i];
        if (!same) throw std::runtime_error("the trace's input ports differ from " + t.top + "'s in this build: record again");
        for (int k = 0; k < repeat; k++) {
            const Result r = replay(t, api, check, plainEval);
            std::printf("{\"repeat\": %d, \"top\": %s, \"trace\": %s, \"traceBytes\": %" PRIu64 ", \"cycles\": %" PRIu64
                        ", \"seconds\": %.6f, \"cyclesPerSecond\": %.0f, \"cpuSeconds\": %.6f, \"checked\": %s, \"match\": %s, \"checkpoints\": %zu",
                        k, jsonStr(t.top).c_str(), jsonStr(t.path).c_str(), t.bytes, r.cycles, r.seconds,
                        r.seconds > 0 ? r.cycles / r.seconds : 0.0, r.cpuSeconds, check ? "true" : "false", r.match ? "true" : "false",
                        t.checks.size());
            if (!r.match)
                std::printf(", \"firstMismatchCycle\": %" PRIu64 ", \"message\": %s", r.firstMismatch, jsonStr(r.message).c_str());
            std::printf("}\n");
            std::fflush(stdout);
            if (!r.match) {
                std::fprintf(stderr, "REPLAY MISMATCH: %s\n", r.message.c_str());
                return 1;
            }
        }
        return 0;
    } catch (const std::exception& e) {
        std::fprintf(stderr, "vtoe_replay: %s\n", e.what());
        std::printf("{\"error\": %s}\n", jsonStr(e.what()).c_str());
        return 2;
    }
}

// ---- Verilator hooks (the model objects are compiled with VL_USER_* and vl_hooks.h) ----------------

extern "C" int vtoe_vl_printf(const char* fmt, ...) {
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    const int n = std::vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    std::fputs(buf, stderr);  // stdout carries the JSON result
    if (g_printed.size() < 16384) g_printed += buf;
    return n;
}

static void ended(uint64_t kind, const char* filename, int linenum, const std::string& what) {
    if (!g_endedKind) {
        g_endedKind = kind;
        g_endedWhat = what + " at " + (filename ? filename : "?") + ":" + std::to_string(linenum);
    }
    g_printed.clear();
}

void vl_fatal(const char* filename, int linenum, const char* hier, const char* msg) {
    (void)hier;
    ended(kFatal, filename, linenum, std::string("$fatal: ") + (msg ? msg : ""));
}

void vl_stop(const char* filename, int linenum, const char* hier) {
    (void)hier;
    // As in sim.cpp: Verilator 5.006 reports $error and $fatal through vl_stop too.
    const bool assertion = g_printed.find("%Error") != std::string::npos;
    ended(assertion ? kFatal : kStop, filename, linenum, assertion ? "assertion failed" : "$stop");
}

void vl_finish(const char* filename, int linenum, const char* hier) {
    (void)hier;
    ended(kFinish, filename, linenum, "$finish");
}
