// The adx copy of ../arena.cc (see ../arith.h).
#define DP_ARITH_ADX 1
#include "../arena.cc"
