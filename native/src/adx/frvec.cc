// The adx copy of ../frvec.cc (see ../arith.h).
#define DP_ARITH_ADX 1
#include "../frvec.cc"
