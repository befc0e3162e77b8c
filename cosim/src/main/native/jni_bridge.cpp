// Thin JNI shims over vtoe::Sim. Every entry point converts C++ exceptions into Java exceptions so
// that nothing native can take the JVM down.
#include <jni.h>

#include <stdexcept>
#include <string>
#include <vector>

#include "fst_tracks.h"
#include "sim.h"
#include "vtoe_cosim_NativeSim.h"

using vtoe::Sim;

namespace {

Sim* sim(JNIEnv* env, jlong h) {
    if (h == 0) {
        env->ThrowNew(env->FindClass("java/lang/IllegalStateException"), "simulation is closed");
        return nullptr;
    }
    return reinterpret_cast<Sim*>(h);
}

template <typename F>
auto guard(JNIEnv* env, F f) -> decltype(f()) {
    try {
        return f();
    } catch (const std::invalid_argument& e) {
        env->ThrowNew(env->FindClass("java/lang/IllegalArgumentException"), e.what());
    } catch (const std::exception& e) {
        env->ThrowNew(env->FindClass("java/lang/IllegalStateException"), e.what());
    }
    return decltype(f())();
}

std::string str(JNIEnv* env, jstring s) {
    const char* c = env->GetStringUTFChars(s, nullptr);
    std::string r(c);
    env->ReleaseStringUTFChars(s, c);
    return r;
}

std::vector<uint64_t> longs(JNIEnv* env, jlongArray a) {
    std::vector<uint64_t> v;
    if (!a) return v;
    const jsize n = env->GetArrayLength(a);
    v.resize(n);
    env->GetLongArrayRegion(a, 0, n, reinterpret_cast<jlong*>(v.data()));
    return v;
}

}  // namespace

JNIEXPORT jlong JNICALL Java_vtoe_cosim_NativeSim_create(JNIEnv* env, jclass, jstring top, jlong seed, jboolean traceEver,
                                                        jint ringEntries) {
    return guard(env, [&]() -> jlong {
        const std::string name = str(env, top);
        const vtoe::TopApi* api = vtoe::findTop(name.c_str());
        if (!api)
            throw std::invalid_argument("no Verilated top named '" + name + "' in this library; it has: " +
                                        vtoe::topNames());
        return reinterpret_cast<jlong>(new Sim(api, static_cast<uint64_t>(seed), traceEver, ringEntries));
    });
}

JNIEXPORT void JNICALL Java_vtoe_cosim_NativeSim_destroy(JNIEnv* env, jclass, jlong h) {
    guard(env, [&]() -> int {
        delete reinterpret_cast<Sim*>(h);
        return 0;
    });
}

JNIEXPORT jboolean JNICALL Java_vtoe_cosim_NativeSim_writeCoverage(JNIEnv* env, jclass, jlong h, jstring path) {
    return guard(env, [&]() -> jboolean {
        return reinterpret_cast<Sim*>(h)->writeCoverage(str(env, path)) ? JNI_TRUE : JNI_FALSE;
    });
}

JNIEXPORT jstring JNICALL Java_vtoe_cosim_NativeSim_topNames(JNIEnv* env, jclass) {
    return env->NewStringUTF(vtoe::topNames());
}

JNIEXPORT jstring JNICALL Java_vtoe_cosim_NativeSim_describe(JNIEnv* env, jclass, jlong h) {
    Sim* s = sim(env, h);
    if (!s) return nullptr;
    return env->NewStringUTF(s->describe().c_str());
}

JNIEXPORT jobject JNICALL Java_vtoe_cosim_NativeSim_shared(JNIEnv* env, jclass, jlong h) {
    Sim* s = sim(env, h);
    if (!s) return nullptr;
    return env->NewDirectByteBuffer(s->shared(), static_cast<jlong>(s->sharedBytes()));
}

JNIEXPORT void JNICALL Java_vtoe_cosim_NativeSim_reset(JNIEnv* env, jclass, jlong h, jlong cycles) {
    Sim* s = sim(env, h);
    if (s) guard(env, [&]() -> int { s->reset(static_cast<uint64_t>(cycles)); return 0; });
}

JNIEXPORT jlong JNICALL Java_vtoe_cosim_NativeSim_step(JNIEnv* env, jclass, jlong h, jlong until) {
    Sim* s = sim(env, h);
    if (!s) return 0;
    return guard(env, [&]() -> jlong { return static_cast<jlong>(s->step(static_cast<uint64_t>(until))); });
}

JNIEXPORT jlong JNICALL Java_vtoe_cosim_NativeSim_cycle(JNIEnv* env, jclass, jlong h) {
    Sim* s = sim(env, h);
    return s ? static_cast<jlong>(s->cycle()) : 0;
}

JNIEXPORT jstring JNICALL Java_vtoe_cosim_NativeSim_message(JNIEnv* env, jclass, jlong h) {
    Sim* s = sim(env, h);
    return s ? env->NewStringUTF(s->message().c_str()) : nullptr;
}

JNIEXPORT jstring JNICALL Java_vtoe_cosim_NativeSim_portStates(JNIEnv* env, jclass, jlong h) {
    Sim* s = sim(env, h);
    return s ? env->NewStringUTF(s->portStates().c_str()) : nullptr;
}

JNIEXPORT void JNICALL Java_vtoe_cosim_NativeSim_setPattern(JNIEnv* env, jclass, jlong h, jint port, jlongArray bits,
                                                           jlong n) {
    Sim* s = sim(env, h);
    if (!s) return;
    const std::vector<uint64_t> b = longs(env, bits);
    guard(env, [&]() -> int {
        if ((uint64_t)n > b.size() * 64) throw std::invalid_argument("pattern length exceeds its bits");
        s->setPattern(port, b.data(), static_cast<uint64_t>(n));
        return 0;
    });
}

JNIEXPORT void JNICALL Java_vtoe_cosim_NativeSim_setWake(JNIEnv* env, jclass, jlong h, jint port, jint mode) {
    Sim* s = sim(env, h);
    if (s) guard(env, [&]() -> int { s->setWake(port, mode); return 0; });
}

JNIEXPORT void JNICALL Java_vtoe_cosim_NativeSim_setHostMemory(JNIEnv* env, jclass, jlong h, jobject buf, jlong paBase) {
    Sim* s = sim(env, h);
    if (!s) return;
    guard(env, [&]() -> int {
        if (!buf) {
            s->setHostMemory(nullptr, 0, 0);
            return 0;
        }
        void* base = env->GetDirectBufferAddress(buf);
        const jlong cap = env->GetDirectBufferCapacity(buf);
        if (!base || cap < 0) throw std::invalid_argument("host memory must be a direct ByteBuffer");
        s->setHostMemory(static_cast<uint8_t*>(base), static_cast<uint64_t>(cap), static_cast<uint64_t>(paBase));
        return 0;
    });
}

JNIEXPORT void JNICALL Java_vtoe_cosim_NativeSim_attachReadResponder(JNIEnv* env, jclass, jlong h, jint arPort,
                                                                    jint rPort, jlongArray latencies,
                                                                    jint maxOutstanding, jboolean reorder,
                                                                    jlongArray arBits, jlong arN, jlongArray rBits,
                                                                    jlong rN, jlongArray errors, jlongArray dupBits,
                                                                    jlong dupN) {
    Sim* s = sim(env, h);
    if (!s) return;
    const auto lat = longs(env, latencies), ab = longs(env, arBits), rb = longs(env, rBits), er = longs(env, errors),
               db = longs(env, dupBits);
    guard(env, [&]() -> int {
        if ((uint64_t)arN > ab.size() * 64 || (uint64_t)rN > rb.size() * 64 || (uint64_t)dupN > db.size() * 64)
            throw std::invalid_argument("pattern length exceeds its bits");
        s->attachReadResponder(arPort, rPort, lat, static_cast<uint64_t>(maxOutstanding), reorder, ab.data(),
                               static_cast<uint64_t>(arN), rb.data(), static_cast<uint64_t>(rN), er, db.data(),
                               static_cast<uint64_t>(dupN));
        return 0;
    });
}

JNIEXPORT void JNICALL Java_vtoe_cosim_NativeSim_traceOpen(JNIEnv* env, jclass, jlong h, jstring path, jlong from) {
    Sim* s = sim(env, h);
    if (!s) return;
    const std::string p = str(env, path);
    guard(env, [&]() -> int { s->traceOpen(p, static_cast<uint64_t>(from)); return 0; });
}

JNIEXPORT void JNICALL Java_vtoe_cosim_NativeSim_traceClose(JNIEnv* env, jclass, jlong h) {
    Sim* s = sim(env, h);
    if (s) guard(env, [&]() -> int { s->traceClose(); return 0; });
}

JNIEXPORT jobjectArray JNICALL Java_vtoe_cosim_NativeSim_fstAddTracks(JNIEnv* env, jclass, jstring in, jstring out,
                                                                    jobjectArray tracks, jlongArray times,
                                                                    jintArray trackOf, jobjectArray texts) {
    return guard(env, [&]() -> jobjectArray {
        std::vector<std::string> names;
        for (jsize i = 0, n = env->GetArrayLength(tracks); i < n; i++)
            names.push_back(str(env, static_cast<jstring>(env->GetObjectArrayElement(tracks, i))));
        const jsize n = env->GetArrayLength(times);
        if (env->GetArrayLength(trackOf) != n || env->GetArrayLength(texts) != n)
            throw std::invalid_argument("times, trackOf and texts differ in length");
        const std::vector<uint64_t> t = longs(env, times);
        std::vector<jint> k(n);
        env->GetIntArrayRegion(trackOf, 0, n, k.data());
        std::vector<vtoe::TrackChange> changes;
        changes.reserve(n);
        for (jsize i = 0; i < n; i++) {
            jstring s = static_cast<jstring>(env->GetObjectArrayElement(texts, i));
            changes.push_back({t[i], static_cast<uint32_t>(k[i]), str(env, s)});
            env->DeleteLocalRef(s);
        }
        const std::vector<std::string> vars = vtoe::fstAddStringTracks(str(env, in), str(env, out), names, std::move(changes));
        jobjectArray r = env->NewObjectArray(static_cast<jsize>(vars.size()), env->FindClass("java/lang/String"), nullptr);
        for (jsize i = 0; i < static_cast<jsize>(vars.size()); i++) {
            jstring s = env->NewStringUTF(vars[i].c_str());
            env->SetObjectArrayElement(r, i, s);
            env->DeleteLocalRef(s);
        }
        return r;
    });
}

JNIEXPORT void JNICALL Java_vtoe_cosim_NativeSim_recordOpen(JNIEnv* env, jclass, jlong h, jstring path) {
    Sim* s = sim(env, h);
    if (!s) return;
    const std::string p = str(env, path);
    guard(env, [&]() -> int { s->recordOpen(p); return 0; });
}

JNIEXPORT void JNICALL Java_vtoe_cosim_NativeSim_recordClose(JNIEnv* env, jclass, jlong h) {
    Sim* s = sim(env, h);
    if (s) guard(env, [&]() -> int { s->recordClose(); return 0; });
}

// ---- sparse host memory ---------------------------------------------------------------------------
#include <sys/mman.h>

JNIEXPORT jobject JNICALL Java_vtoe_cosim_NativeSim_mapMemory(JNIEnv* env, jclass, jlong bytes) {
    void* p = mmap(nullptr, static_cast<size_t>(bytes), PROT_READ | PROT_WRITE,
                   MAP_PRIVATE | MAP_ANONYMOUS | MAP_NORESERVE, -1, 0);
    if (p == MAP_FAILED) {
        env->ThrowNew(env->FindClass("java/lang/OutOfMemoryError"), "mmap of host memory failed");
        return nullptr;
    }
    return env->NewDirectByteBuffer(p, bytes);
}

JNIEXPORT void JNICALL Java_vtoe_cosim_NativeSim_unmapMemory(JNIEnv*, jclass, jlong address, jlong bytes) {
    munmap(reinterpret_cast<void*>(address), static_cast<size_t>(bytes));
}

JNIEXPORT jlong JNICALL Java_vtoe_cosim_NativeSim_bufferAddress(JNIEnv* env, jclass, jobject b) {
    return reinterpret_cast<jlong>(env->GetDirectBufferAddress(b));
}
