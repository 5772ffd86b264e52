// The adx copy of ../fixed_base.cc (see ../arith.h).
#define DP_ARITH_ADX 1
#include "../fixed_base.cc"
