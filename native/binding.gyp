{
  "targets": [
    {
      "target_name": "deepprove_native",
      "sources": ["src/addon.cc", "src/msm.cc", "src/fixed_base.cc", "src/affine.cc", "src/frvec.cc"],
      "cflags_cc!": ["-fno-exceptions"],
      "cflags_cc": ["-std=c++17", "-O3", "-fexceptions"],
      "cflags!": ["-O2"],
      "ldflags": ["-pthread"],
      "defines": ["NAPI_VERSION=8"]
    }
  ]
}
