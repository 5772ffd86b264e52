// The adx copy of ../kernels.cc (see ../arith.h).
#define DP_ARITH_ADX 1
#include "../kernels.cc"
