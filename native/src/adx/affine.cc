// The adx copy of ../affine.cc (see ../arith.h).
#define DP_ARITH_ADX 1
#include "../affine.cc"
