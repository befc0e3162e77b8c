// Force-included into every translation unit of the library (Verilator runtime and generated model
// code too): routes Verilator's printf through vtoe so that $error text ends up in the Java exception.
#pragma once
#ifdef __cplusplus
extern "C" {
#endif
int vtoe_vl_printf(const char* fmt, ...) __attribute__((format(printf, 1, 2)));
#ifdef __cplusplus
}
#endif
#define VL_PRINTF vtoe_vl_printf
