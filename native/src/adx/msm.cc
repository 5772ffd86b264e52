// The adx copy of ../msm.cc (see ../arith.h).
#define DP_ARITH_ADX 1
#include "../msm.cc"
