#include "sim.h"

#include <cinttypes>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <sstream>
#include <stdexcept>

#include "verilated.h"
#include "verilated_fst_c.h"
#ifdef VTOE_COVERAGE
#include "verilated_cov.h"
#endif

namespace vtoe {

namespace {
thread_local Sim* t_current = nullptr;
thread_local std::string t_printed;

struct CurrentGuard {
    explicit CurrentGuard(Sim* s) { t_current = s; }
    ~CurrentGuard() { t_current = nullptr; }
};

// 4 ns per cycle (nominal 250 MHz); dumps at the low and the high phase.
constexpr uint64_t kTimePerCycle = 4;

std::string hex(uint64_t v) {
    char b[24];
    std::snprintf(b, sizeof b, "0x%" PRIx64, v);
    return b;
}
}  // namespace

void clearPrinted() { t_printed.clear(); }
std::string printed() { return t_printed; }
Sim* Sim::current() { return t_current; }

Sim::Sim(const TopApi* api, uint64_t seed, bool traceEver, uint64_t ringEntries)
    : api_(api), ctx_(new VerilatedContext), traceEver_(traceEver), seed_(seed) {
    if (ringEntries == 0 || (ringEntries & (ringEntries - 1)) != 0)
        throw std::invalid_argument("ring entries must be a power of two, not " + std::to_string(ringEntries));
    // Uninitialised state (memories, registers without reset) starts random, from the run's seed, so
    // that a reset bug shows up as a seed-dependent failure rather than hiding behind zeros.
    initContext(ctx_.get(), seed);
    if (traceEver_) ctx_->traceEverOn(true);
    {
        CurrentGuard g(this);
        clearPrinted();
        top_ = api_->create(ctx_.get());
    }

    // Lay out the rings: per port an optional source ring and an observed ring.
    ports_.resize(api_->nports);
    std::vector<uint64_t> offsets;
    uint64_t total = 0;
    auto alloc = [&](uint64_t entryWords) {
        const uint64_t at = total;
        total += Ring::HEADER_WORDS + ringEntries * entryWords;
        return at;
    };
    std::vector<uint64_t> srcAt(api_->nports, UINT64_MAX), obsAt(api_->nports);
    for (int i = 0; i < api_->nports; i++) {
        const PortDesc& d = api_->ports[i];
        if (d.input) srcAt[i] = alloc(1 + d.words);
        obsAt[i] = alloc(2 + d.words);
    }
    shared_.assign(total, 0);
    auto bind = [&](Ring& r, uint64_t at, uint64_t entryWords) {
        r.hdr = shared_.data() + at;
        r.data = r.hdr + Ring::HEADER_WORDS;
        r.cap = ringEntries;
        r.words = entryWords;
        r.hdr[Ring::CAPACITY] = ringEntries;
        r.hdr[Ring::ENTRY_WORDS] = entryWords;
        r.hdr[Ring::LOW_WATER] = ringEntries / 4;
    };
    for (int i = 0; i < api_->nports; i++) {
        PortRt& p = ports_[i];
        p.d = &api_->ports[i];
        p.index = i;
        if (p.d->input) bind(p.src, srcAt[i], 1 + p.d->words);
        bind(p.obs, obsAt[i], 2 + p.d->words);
        p.wake = !p.d->input;  // Java reacts to outputs by default
        p.stalledPayload.assign(p.d->words, 0);
        p.scratch.assign(p.d->words, 0);
    }
}

Sim::~Sim() {
    traceClose();
    try {
        recordClose();
    } catch (const std::exception& e) {
        std::fprintf(stderr, "vtoe: %s\n", e.what());
    }
    if (top_) {
        CurrentGuard g(this);
        api_->finalize(top_);
        api_->destroy(top_);
    }
}

void Sim::onEnd(uint64_t kind, const std::string& what) {
    if (ended_ == 0) {
        ended_ = kind;
        message_ = what;
    } else if (message_.find(what) == std::string::npos) {
        message_ += "\n" + what;
    }
}

void Sim::protocolError(const std::string& what) {
    onEnd(ST_PROTOCOL, "protocol violation at cycle " + std::to_string(cycle_) + ": " + what);
}

void Sim::dumpTrace(uint64_t t) {
    if (tfp_) tfp_->dump(t);
}

void Sim::reset(uint64_t cycles) {
    CurrentGuard g(this);
    for (auto& p : ports_) {
        if (p.d->input)
            driveValid(p, false);
        else
            driveReady(p, false);
    }
    api_->setReset(top_, 1);
    resetLevel_ = 1;
    for (uint64_t i = 0; i < cycles; i++) {
        if (traceWanted_ && !tfp_ && cycle_ >= traceFrom_) traceOpen(tracePath_, traceFrom_);
        if (rec_) rec_->inputs(cycle_, top_, resetLevel_);
        ctx_->time(cycle_ * kTimePerCycle);
        api_->setClock(top_, 0);
        api_->eval(top_);
        dumpTrace(cycle_ * kTimePerCycle);
        if (rec_) rec_->outputs(cycle_, top_);
        ctx_->time(cycle_ * kTimePerCycle + kTimePerCycle / 2);
        api_->setClock(top_, 1);
        api_->eval(top_);
        dumpTrace(cycle_ * kTimePerCycle + kTimePerCycle / 2);
        cycle_++;
    }
    api_->setReset(top_, 0);
    resetLevel_ = 0;
    inputsChanged_ = true;
#ifdef VTOE_COVERAGE
    // State starts random (seeded) and reset then sets it: counted, that alone would toggle nearly every
    // bit and run every reset block. Coverage counts what the run does after reset.
    ctx_->coveragep()->zero();
#endif
}

void Sim::record(PortRt& p, uint64_t start, const uint64_t* payload) {
    uint64_t* e = p.obs.slot();
    e[0] = start;
    e[1] = cycle_;
    std::memcpy(e + 2, payload, p.d->words * 8);
    p.obs.commit();
    if (p.obs.free() < 2) drain_ = true;
}

void Sim::driveInputs() {
    for (auto& p : ports_) {
        if (p.responder) continue;
        if (p.d->input) {
            if (!p.driving && !p.src.empty()) {
                const uint64_t* e = p.src.front();
                if (e[0] <= cycle_ && p.pattern.at(cycle_)) {
                    drivePayload(p, e + 1);
                    p.driving = true;
                    p.validSince = cycle_;
                }
            }
            driveValid(p, p.driving);
        } else {
            driveReady(p, p.pattern.at(cycle_));
        }
    }
    if (rsp_) responderDrive();
}

void Sim::sampleAndCommit(uint64_t& status) {
    for (auto& p : ports_) {
        if (p.d->input) {
            if (p.responder) continue;  // handled with its AR port
            if (p.driving && api_->getReady(top_, p.index)) {
                const uint64_t* e = p.src.front();
                record(p, p.validSince, e + 1);
                p.src.pop();
                p.driving = false;
                if (p.src.hdr[Ring::MORE] && p.src.size() <= p.src.hdr[Ring::LOW_WATER]) status |= ST_REFILL;
            }
        } else {
            // Monitor of a design output: valid must stay up and the payload stable until accepted.
            const bool v = api_->getValid(top_, p.index);
            const bool r = p.pinReady == 1;  // our own input: what driveInputs or the responder wrote
            if (p.stalled) {
                if (!v) {
                    protocolError(std::string(p.d->name) + ": valid dropped before the handshake (valid since cycle " +
                                  std::to_string(p.outValidSince) + ")");
                } else {
                    api_->getPayload(top_, p.index, p.scratch.data());
                    if (std::memcmp(p.scratch.data(), p.stalledPayload.data(), p.d->words * 8) != 0)
                        protocolError(std::string(p.d->name) + ": payload changed while valid && !ready: was " +
                                      payloadString(p, p.stalledPayload.data()) + ", now " +
                                      payloadString(p, p.scratch.data()));
                }
            }
            if (v && !p.wasValid) p.outValidSince = cycle_;
            p.wasValid = v;
            if (v && r) {
                api_->getPayload(top_, p.index, p.scratch.data());
                record(p, p.outValidSince, p.scratch.data());
                p.wasValid = false;
                p.stalled = false;
                if (p.wake && (p.wakeLastWord < 0 || p.scratch[p.wakeLastWord] != 0)) status |= ST_WAKE;
            } else if (v) {
                if (!p.stalled) api_->getPayload(top_, p.index, p.stalledPayload.data());
                p.stalled = true;
            } else {
                p.stalled = false;
            }
        }
    }
    if (rsp_) responderSample(ports_[rsp_->arPort], ports_[rsp_->rPort], status);
    if (drain_) status |= ST_DRAIN;
}

uint64_t Sim::step(uint64_t untilCycle) {
    if (ended_) return ended_;
    CurrentGuard g(this);
    clearPrinted();
    uint64_t status = 0;
    // Entries are only added during a step (record() notes a nearly full ring) and Java empties the
    // rings between steps, so one look here covers what a look every cycle would.
    drain_ = false;
    for (auto& p : ports_)
        if (p.obs.free() < 2) drain_ = true;
    while (cycle_ < untilCycle) {
        if (traceWanted_ && !tfp_ && cycle_ >= traceFrom_) traceOpen(tracePath_, traceFrom_);
        driveInputs();
        if (rec_) rec_->inputs(cycle_, top_, resetLevel_);
        ctx_->time(cycle_ * kTimePerCycle);
        api_->setClock(top_, 0);
        // With waves on, every edge is evaluated as Verilator does it, so the trace sees each one.
        if (inputsChanged_ || tfp_) api_->eval(top_);
        inputsChanged_ = false;
        dumpTrace(cycle_ * kTimePerCycle);
        if (rec_) rec_->outputs(cycle_, top_);
        sampleAndCommit(status);
        ctx_->time(cycle_ * kTimePerCycle + kTimePerCycle / 2);
        if (tfp_) {
            api_->setClock(top_, 1);
            api_->eval(top_);
        } else {
            api_->rise(top_);
        }
        dumpTrace(cycle_ * kTimePerCycle + kTimePerCycle / 2);
        cycle_++;
        if (ended_ || status) break;
    }
    if (ended_) {
        if (tfp_) tfp_->flush();
        return ended_ | status;
    }
    if (cycle_ >= untilCycle) status |= ST_TARGET;
    return status;
}

// ---- AXI read responder -------------------------------------------------------------------------

void Sim::attachReadResponder(int arPort, int rPort, const std::vector<uint64_t>& latencies,
                              uint64_t maxOutstanding, bool reorder, const uint64_t* arBits, uint64_t arN,
                              const uint64_t* rBits, uint64_t rN, const std::vector<uint64_t>& errorTriples,
                              const uint64_t* dupBits, uint64_t dupN) {
    auto idxOf = [](const PortDesc& d, const char* field, int* widthWords) {
        int at = 0;
        for (int i = 0; i < d.nfields; i++) {
            const int w = (d.fields[i].width + 63) / 64;
            if (std::strcmp(d.fields[i].name, field) == 0) {
                if (widthWords) *widthWords = w;
                return at;
            }
            at += w;
        }
        throw std::invalid_argument(std::string("port ") + d.name + " has no field '" + field + "'");
    };
    if (arPort < 0 || arPort >= (int)ports_.size() || rPort < 0 || rPort >= (int)ports_.size())
        throw std::invalid_argument("responder port index out of range");
    const PortDesc& ar = *ports_[arPort].d;
    const PortDesc& r = *ports_[rPort].d;
    if (ar.input || !r.input)
        throw std::invalid_argument(std::string("responder needs an output AR port and an input R port, got ") + ar.name +
                                    " and " + r.name);
    if (latencies.empty()) throw std::invalid_argument("responder needs at least one latency");
    auto* rs = new ReadResponder;
    rs->arPort = arPort;
    rs->rPort = rPort;
    rs->arId = idxOf(ar, "id", nullptr);
    rs->arAddr = idxOf(ar, "addr", nullptr);
    rs->arLen = idxOf(ar, "len", nullptr);
    rs->rId = idxOf(r, "id", nullptr);
    rs->rData = idxOf(r, "data", &rs->rDataWords);
    rs->rLast = idxOf(r, "last", nullptr);
    rs->rResp = idxOf(r, "resp", nullptr);
    for (int i = 0; i < r.nfields; i++)
        if (std::strcmp(r.fields[i].name, "data") == 0) rs->dataBytes = r.fields[i].width / 8;
    rs->latencies = latencies;
    rs->maxOutstanding = maxOutstanding ? maxOutstanding : 1;
    rs->reorder = reorder;
    rs->arPattern.bits.assign(arBits, arBits + (arN + 63) / 64);
    rs->arPattern.n = arN;
    rs->rPattern.bits.assign(rBits, rBits + (rN + 63) / 64);
    rs->rPattern.n = rN;
    rs->duplicate.bits.assign(dupBits, dupBits + (dupN + 63) / 64);
    rs->duplicate.n = dupN;
    for (size_t i = 0; i + 2 < errorTriples.size(); i += 3)
        rs->errors.push_back({errorTriples[i], errorTriples[i + 1], errorTriples[i + 2]});
    rs->rWords.assign(r.words, 0);
    rsp_.reset(rs);
    ports_[arPort].responder = true;
    ports_[rPort].responder = true;
    ports_[arPort].wake = false;  // answered here, Java only reads the record
}

void Sim::responderDrive() {
    ReadResponder& s = *rsp_;
    const uint64_t inFlight = s.pending.size() + (s.active ? 1 : 0);
    driveReady(ports_[s.arPort], inFlight < s.maxOutstanding && s.arPattern.at(cycle_) && !s.dupInFlight);
    if (!s.rValid) {
        if (!s.active) {
            // In order: the oldest request once ready. Reordered: the ready request that became ready
            // first, among those that are the oldest of their id (AXI keeps one id's bursts in order).
            auto pick = s.pending.end();
            if (!s.reorder) {
                if (!s.pending.empty() && s.pending.front().readyAt <= cycle_) pick = s.pending.begin();
            } else {
                uint64_t seenIds[4] = {0, 0, 0, 0};  // ids up to 8 bits
                for (auto it = s.pending.begin(); it != s.pending.end(); ++it) {
                    const uint64_t id = it->id & 255;
                    const bool first = !((seenIds[id >> 6] >> (id & 63)) & 1);
                    seenIds[id >> 6] |= 1ull << (id & 63);
                    if (first && it->readyAt <= cycle_ && (pick == s.pending.end() || it->readyAt < pick->readyAt))
                        pick = it;
                }
            }
            if (pick != s.pending.end()) {
                s.cur = *pick;
                s.pending.erase(pick);
                s.active = true;
                s.beat = 0;
            }
        }
        if (s.active && s.rPattern.at(cycle_)) {
            std::fill(s.rWords.begin(), s.rWords.end(), 0);
            const uint64_t addr = (s.cur.addr & ~(s.dataBytes - 1)) + s.beat * s.dataBytes;
            uint64_t resp = 0;
            for (const auto& e : s.errors)
                if (addr < e.hi && addr + s.dataBytes > e.lo) resp = e.resp;
            if (resp == 0 && (mem_ == nullptr || addr < memBase_ || addr - memBase_ + s.dataBytes > memBytes_ ||
                              addr + s.dataBytes < addr))
                resp = 3;  // DECERR: no memory there
            if (resp == 0) std::memcpy(&s.rWords[s.rData], mem_ + (addr - memBase_), s.dataBytes);
            s.rWords[s.rId] = s.cur.id;
            s.rWords[s.rLast] = s.beat == s.cur.len;
            s.rWords[s.rResp] = resp;
            drivePayload(ports_[s.rPort], s.rWords.data());
            s.rValid = true;
            ports_[s.rPort].validSince = cycle_;
        }
    }
    driveValid(ports_[s.rPort], s.rValid);
}

void Sim::responderSample(PortRt& ar, PortRt& r, uint64_t& status) {
    ReadResponder& s = *rsp_;
    (void)status;
    bool dupOf = false;
    if (s.rValid && api_->getReady(top_, s.rPort)) {
        record(r, r.validSince, s.rWords.data());
        s.rValid = false;
        if (s.beat++ == s.cur.len) {
            s.active = false;
            if (s.cur.dup) s.dupInFlight = false;
            // Pattern bits say "answer again"; an empty pattern never duplicates.
            dupOf = s.duplicate.n != 0 && s.duplicate.at(s.completed);
            s.completed++;
        }
    }
    // The AR port's monitor (in sampleAndCommit) already recorded the request; take it from there.
    if (ar.pinReady == 1 && api_->getValid(top_, s.arPort)) {
        const uint64_t* e = ar.obs.data + ((ar.obs.hdr[Ring::TAIL] - 1) & (ar.obs.cap - 1)) * ar.obs.words;
        const uint64_t* w = e + 2;
        const uint64_t lat = s.latencies[s.latIdx++ % s.latencies.size()];
        s.pending.push_back({w[s.arId], w[s.arAddr], w[s.arLen], cycle_ + (lat ? lat : 1)});
    }
    // The copy is made only while no other read of the id is outstanding (one accepted in this very cycle
    // included), so that it is stray data and not a wrong answer to that read.
    if (dupOf) {
        bool idBusy = false;
        for (const auto& q : s.pending) idBusy |= q.id == s.cur.id;
        if (!idBusy) {
            s.pending.push_front({s.cur.id, s.cur.addr, s.cur.len, cycle_ + 1, true});
            s.dupInFlight = true;
        }
    }
}

// ---- configuration and introspection ------------------------------------------------------------

void Sim::setPattern(int port, const uint64_t* bits, uint64_t n) {
    if (port < 0 || port >= (int)ports_.size()) throw std::invalid_argument("port index out of range");
    ports_[port].pattern.bits.assign(bits, bits + (n + 63) / 64);
    ports_[port].pattern.n = n;
}

void Sim::setWake(int port, int mode) {
    if (port < 0 || port >= (int)ports_.size()) throw std::invalid_argument("port index out of range");
    PortRt& p = ports_[port];
    p.wake = mode != 0;
    p.wakeLastWord = -1;
    if (mode == 2) {
        int at = 0;
        for (int i = 0; i < p.d->nfields; i++) {
            if (std::strcmp(p.d->fields[i].name, "last") == 0) p.wakeLastWord = at;
            at += (p.d->fields[i].width + 63) / 64;
        }
        if (p.wakeLastWord < 0) throw std::invalid_argument(std::string(p.d->name) + " has no 'last' field to wake on");
    }
}

void Sim::setHostMemory(uint8_t* base, uint64_t bytes, uint64_t paBase) {
    if (paBase + bytes < paBase) throw std::invalid_argument("host memory window wraps past the end of the 64-bit PA space");
    mem_ = base;
    memBytes_ = bytes;
    memBase_ = paBase;
}

void Sim::traceOpen(const std::string& path, uint64_t fromCycle) {
    if (!traceEver_) throw std::logic_error("tracing was not enabled when this simulation was created");
    tracePath_ = path;
    traceFrom_ = fromCycle;
    traceWanted_ = true;
    if (cycle_ >= fromCycle && !tfp_) {
        tfp_.reset(new VerilatedFstC);
        api_->trace(top_, tfp_.get(), 99);
        tfp_->open(path.c_str());
        if (!tfp_->isOpen()) {
            tfp_.reset();
            traceWanted_ = false;
            throw std::runtime_error("cannot open wave file " + path);
        }
    }
}

void Sim::recordOpen(const std::string& path) {
    if (rec_) throw std::logic_error("this simulation already records to " + rec_->path());
    if (cycle_ != 0)
        throw std::logic_error("a port trace must start at cycle 0 (the replay starts from the model's initial state), now at " +
                               std::to_string(cycle_));
    rec_.reset(new PortTraceWriter(path, api_, seed_));
}

void Sim::recordClose() {
    if (!rec_) return;
    std::unique_ptr<PortTraceWriter> r(std::move(rec_));
    r->close(cycle_, ended_);
}

bool Sim::writeCoverage(const std::string& path) {
#ifdef VTOE_COVERAGE
    ctx_->coveragep()->write(path.c_str());
    return true;
#else
    (void)path;
    return false;
#endif
}

void Sim::traceClose() {
    if (tfp_) {
        tfp_->close();
        tfp_.reset();
    }
    traceWanted_ = false;
}

std::string Sim::payloadString(const PortRt& p, const uint64_t* w) const {
    std::ostringstream o;
    o << "{";
    int at = 0;
    for (int i = 0; i < p.d->nfields; i++) {
        const int words = (p.d->fields[i].width + 63) / 64;
        if (i) o << ", ";
        o << p.d->fields[i].name << "=";
        for (int k = words - 1; k >= 0; k--) o << (k == words - 1 ? hex(w[at + k]) : "_" + hex(w[at + k]).substr(2));
        at += words;
    }
    o << "}";
    return o.str();
}

std::string Sim::portStates() {
    CurrentGuard g(this);
    std::ostringstream o;
    o << "cycle " << cycle_ << "\n";
    for (auto& p : ports_) {
        const bool v = api_->getValid(top_, p.index), r = api_->getReady(top_, p.index);
        api_->getPayload(top_, p.index, p.scratch.data());
        o << "  " << p.d->name << ": valid=" << v << " ready=" << r;
        if (p.d->input) o << " queued=" << p.src.size();
        if (v) o << " " << payloadString(p, p.scratch.data());
        if (!p.d->input && p.wasValid) o << " (valid since cycle " << p.outValidSince << ")";
        o << "\n";
    }
    if (rsp_) o << "  read responder: " << rsp_->pending.size() << " requests waiting, burst active=" << rsp_->active << "\n";
    return o.str();
}

std::string Sim::describe() const {
    std::ostringstream o;
    auto base = reinterpret_cast<const uint8_t*>(shared_.data());
    auto ringJson = [&](const Ring& r) {
        std::ostringstream j;
        j << "{\"offset\": " << (reinterpret_cast<const uint8_t*>(r.hdr) - base) << ", \"capacity\": " << r.cap
          << ", \"entryWords\": " << r.words << "}";
        return j.str();
    };
    o << "{\"top\": \"" << api_->name << "\", \"elaboration\": " << api_->paramsJson << ", \"ports\": [";
    for (size_t i = 0; i < ports_.size(); i++) {
        const PortRt& p = ports_[i];
        if (i) o << ", ";
        o << "{\"name\": \"" << p.d->name << "\", \"input\": " << (p.d->input ? "true" : "false")
          << ", \"words\": " << p.d->words << ", \"fields\": [";
        for (int f = 0; f < p.d->nfields; f++)
            o << (f ? ", " : "") << "{\"name\": \"" << p.d->fields[f].name << "\", \"width\": " << p.d->fields[f].width
              << "}";
        o << "], \"obs\": " << ringJson(p.obs);
        if (p.d->input) o << ", \"src\": " << ringJson(p.src);
        o << "}";
    }
    o << "]}";
    return o.str();
}

}  // namespace vtoe

// ---- Verilator hooks: never abort(), end the step and report to Java instead ---------------------

extern "C" int vtoe_vl_printf(const char* fmt, ...) {
    char buf[4096];
    va_list ap;
    va_start(ap, fmt);
    const int n = std::vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    std::fputs(buf, stdout);
    if (vtoe::t_printed.size() < 16384) vtoe::t_printed += buf;
    return n;
}

static void endSim(uint64_t kind, const char* filename, int linenum, const char* what) {
    std::string msg = std::string(what) + " at " + (filename ? filename : "?") + ":" + std::to_string(linenum);
    const std::string text = vtoe::printed();
    if (!text.empty()) msg += "\n" + text;
    if (vtoe::Sim* s = vtoe::Sim::current())
        s->onEnd(kind, msg);
    else
        std::fprintf(stderr, "vtoe: %s (outside a step, ignored)\n", msg.c_str());
    vtoe::clearPrinted();
}

void vl_fatal(const char* filename, int linenum, const char* hier, const char* msg) {
    (void)hier;
    endSim(vtoe::ST_FATAL, filename, linenum, (std::string("$fatal: ") + (msg ? msg : "")).c_str());
}

void vl_stop(const char* filename, int linenum, const char* hier) {
    (void)hier;
    // Verilator 5.006 reports $error and $fatal through vl_stop too; what was printed tells them apart.
    const bool assertion = vtoe::printed().find("%Error") != std::string::npos;
    endSim(assertion ? vtoe::ST_FATAL : vtoe::ST_STOP, filename, linenum,
           assertion ? "assertion failed" : "$stop");
}

void vl_finish(const char* filename, int linenum, const char* hier) {
    (void)hier;
    endSim(vtoe::ST_FINISH, filename, linenum, "$finish");
}
