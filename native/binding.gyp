{
  "targets": [
    {
      "target_name": "deepprove_native",
      "sources": [
        "src/addon.cc", "src/dispatch.cc",
        "src/msm.cc", "src/fixed_base.cc", "src/affine.cc", "src/frvec.cc", "src/kernels.cc",
        "src/adx/msm.cc", "src/adx/fixed_base.cc", "src/adx/affine.cc", "src/adx/frvec.cc", "src/adx/kernels.cc",
        "src/arena.cc", "src/adx/arena.cc", "src/arena_addon.cc",
        "src/opening.cc", "src/adx/opening.cc", "src/opening_napi.cc",
        "src/walk.cc", "src/adx/walk.cc", "src/walk_napi.cc",
        "src/ifma/flush.cc", "src/ifma/flush_napi.cc",
        "src/msm_queue.cc"
      ],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-O3", "-fexceptions"],
      "cflags!": ["-O2"],
      "ldflags": ["-pthread"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
