// Which Montgomery multiplication a translation unit is compiled with.
//
// The field, curve and kernel code (field.h, g1.h, glv.h, msm.*, frvec.*, fixed_base.cc, affine.cc,
// kernels.cc) is compiled twice: once as is, with the portable `unsigned __int128` CIOS multiplication, and
// once through the two-line wrappers in src/adx/, which define DP_ARITH_ADX first and so get the
// mulx/adcx/adox multiplication of mont_adx.h. Everything those headers declare lives in the inline namespace
// DP_ARITH (dp::portable or dp::adx): the two copies of every inline function have different symbols, so the
// linker cannot merge one into the other (an ODR violation that would silently mix the two). Callers write
// dp::Fp, dp::msm as before and get their own translation unit's copy. Which copy runs is decided once per
// call at the entry points (kernels.h): the adx one only on a CPU with BMI2 and ADX.
#pragma once

#if defined(DP_ARITH_ADX)
#define DP_ARITH adx
#else
#define DP_ARITH portable
#endif

/** 1 when this translation unit multiplies with mulx/adcx/adox (x86-64 only; elsewhere the adx copy is portable). */
#if defined(DP_ARITH_ADX) && defined(__x86_64__)
#define DP_ARITH_USES_ADX 1
#else
#define DP_ARITH_USES_ADX 0
#endif
