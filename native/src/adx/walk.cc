// The adx copy of ../walk.cc (see ../arith.h).
#define DP_ARITH_ADX 1
#include "../walk.cc"
