// String tracks in the Verilated model's own FST, so that GTKWave (one dump file per window) shows
// the transactions beside the pins. The FST is copied once after the run, through the reader and
// writer of the fstapi that Verilator's FST tracing already links: transactions are only known after
// their cycle has been dumped (the TLM predicts behind the RTL, the scoreboard compares later still),
// and an FST writer only moves forward in time, so the strings cannot be written while tracing.
#include "fst_tracks.h"

#include <algorithm>
#include <stdexcept>
#include <unordered_map>

#include "gtkwave/fstapi.h"

namespace vtoe {
namespace {

struct Copy {
    void* w = nullptr;
    std::vector<fstHandle> map;  // reader handle -> writer handle
    std::vector<fstHandle> trackHandle;
    const std::vector<TrackChange>* changes = nullptr;
    size_t next = 0;  // first change not yet written
    uint64_t now = 0;
    bool started = false;

    void timeTo(uint64_t t) {
        if (!started || t > now) {
            fstWriterEmitTimeChange(w, t);
            now = t;
            started = true;
        }
    }

    // Writes every string change up to and including time t, in time order.
    void stringsUpTo(uint64_t t) {
        while (next < changes->size() && (*changes)[next].time <= t) {
            const TrackChange& c = (*changes)[next++];
            timeTo(c.time);
            fstWriterEmitVariableLengthValueChange(w, trackHandle[c.track], c.text.data(),
                                                   static_cast<uint32_t>(c.text.size()));
        }
    }

    void at(uint64_t t) {
        stringsUpTo(t);
        timeTo(t);
    }
};

void onValue(void* user, uint64_t time, fstHandle fac, const unsigned char* value) {
    Copy* c = static_cast<Copy*>(user);
    c->at(time);
    fstWriterEmitValueChange(c->w, c->map[fac], value);
}

void onVarlen(void* user, uint64_t time, fstHandle fac, const unsigned char* value, uint32_t len) {
    Copy* c = static_cast<Copy*>(user);
    c->at(time);
    fstWriterEmitVariableLengthValueChange(c->w, c->map[fac], value, len);
}

std::vector<std::string> split(const std::string& s) {
    std::vector<std::string> out;
    size_t at = 0;
    for (size_t dot; (dot = s.find('.', at)) != std::string::npos; at = dot + 1) out.push_back(s.substr(at, dot - at));
    out.push_back(s.substr(at));
    return out;
}

// "name [7:0]" (Verilator's FST names) -> "name[7:0]" (how a .gtkw names it).
std::string gtkwName(const char* n) {
    std::string s(n);
    s.erase(std::remove(s.begin(), s.end(), ' '), s.end());
    return s;
}

}  // namespace

std::vector<std::string> fstAddStringTracks(const std::string& in, const std::string& out,
                                            const std::vector<std::string>& tracks, std::vector<TrackChange> changes) {
    void* r = fstReaderOpen(in.c_str());
    if (!r) throw std::runtime_error("cannot read FST " + in);
    void* w = fstWriterCreate(out.c_str(), 1);
    if (!w) {
        fstReaderClose(r);
        throw std::runtime_error("cannot write FST " + out);
    }
    fstWriterSetPackType(w, FST_WR_PT_LZ4);
    fstWriterSetTimescale(w, fstReaderGetTimescale(r));
    fstWriterSetTimezero(w, fstReaderGetTimezero(r));

    Copy c;
    c.w = w;
    c.map.assign(fstReaderGetMaxHandle(r) + 1, 0);
    std::vector<std::string> names, scope;
    auto path = [&]() {
        std::string p;
        for (const auto& s : scope) p += s + ".";
        return p;
    };
    while (fstHier* h = fstReaderIterateHier(r)) {
        switch (h->htyp) {
            case FST_HT_SCOPE:
                fstWriterSetScope(w, static_cast<fstScopeType>(h->u.scope.typ), h->u.scope.name, h->u.scope.component);
                scope.emplace_back(h->u.scope.name);
                break;
            case FST_HT_UPSCOPE:
                fstWriterSetUpscope(w);
                if (!scope.empty()) scope.pop_back();
                break;
            case FST_HT_VAR: {
                const auto& v = h->u.var;
                fstHandle nh = fstWriterCreateVar(w, static_cast<fstVarType>(v.typ), static_cast<fstVarDir>(v.direction),
                                                  v.length, v.name, v.is_alias ? c.map[v.handle] : 0);
                if (!v.is_alias) c.map[v.handle] = nh;
                names.push_back(path() + gtkwName(v.name));
                break;
            }
            default:
                break;  // attributes (none in a Verilated trace of Chisel output) are not copied
        }
    }
    // The tracks, each scope opened once (tracks sorted by name keep a scope's tracks together).
    std::vector<uint32_t> order(tracks.size());
    for (uint32_t i = 0; i < order.size(); i++) order[i] = i;
    std::stable_sort(order.begin(), order.end(), [&](uint32_t a, uint32_t b) {
        return split(tracks[a]).front() < split(tracks[b]).front();
    });
    c.trackHandle.assign(tracks.size(), 0);
    scope.clear();
    for (uint32_t i : order) {
        std::vector<std::string> parts = split(tracks[i]);
        std::string leaf = parts.back();
        parts.pop_back();
        size_t common = 0;
        while (common < scope.size() && common < parts.size() && scope[common] == parts[common]) common++;
        while (scope.size() > common) {
            fstWriterSetUpscope(w);
            scope.pop_back();
        }
        for (size_t k = common; k < parts.size(); k++) {
            fstWriterSetScope(w, FST_ST_VCD_MODULE, parts[k].c_str(), nullptr);
            scope.push_back(parts[k]);
        }
        c.trackHandle[i] = fstWriterCreateVar(w, FST_VT_GEN_STRING, FST_VD_IMPLICIT, 0, leaf.c_str(), 0);
        names.push_back(path() + leaf);
    }
    while (!scope.empty()) {
        fstWriterSetUpscope(w);
        scope.pop_back();
    }

    std::stable_sort(changes.begin(), changes.end(), [](const TrackChange& a, const TrackChange& b) { return a.time < b.time; });
    for (const auto& ch : changes)
        if (ch.track >= tracks.size()) throw std::invalid_argument("track index out of range");
    c.changes = &changes;
    fstReaderSetFacProcessMaskAll(r);
    fstReaderIterBlocks2(r, onValue, onVarlen, &c, nullptr);
    c.stringsUpTo(UINT64_MAX);
    fstWriterClose(w);
    fstReaderClose(r);
    return names;
}

}  // namespace vtoe
