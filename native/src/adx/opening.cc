// The adx copy of ../opening.cc (see ../arith.h).
#define DP_ARITH_ADX 1
#include "../opening.cc"
