# The native kernel library as a Node-API addon, built from source by scripts/build-native.mjs (node-gyp, into
# native-kernels/build/). Every .c file of src/ is compiled for the architecture's baseline (never
# -march=native: the binary must run on any CPU of its architecture); the SIMD paths carry their own target
# attributes and are chosen at run time. -ffp-contract=off keeps the portable path from fusing multiply-adds
# differently per compiler, so each path's bits are fixed.
{
  "targets": [
    {
      "target_name": "rnn_kernels",
      "sources": [
        "<!@(node -p \"require('fs').readdirSync('src').filter((f) => f.endsWith('.c')).sort().map((f) => 'src/' + f).join(' ')\")"
      ],
      "defines": ["NAPI_VERSION=8"],
      "cflags": ["-std=c11", "-O3", "-ffp-contract=off", "-fno-math-errno", "-Wall", "-Wextra", "-Wno-unused-parameter"],
      "cflags!": ["-O2"],
      "xcode_settings": {
        "OTHER_CFLAGS": ["-std=c11", "-O3", "-ffp-contract=off", "-fno-math-errno"]
      },
      "msvs_settings": {
        "VCCLCompilerTool": { "Optimization": 2, "FloatingPointModel": 0 }
      }
    }
  ]
}
