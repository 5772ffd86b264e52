#!/usr/bin/env node
// Builds the optional native BN254 kernels (native/build/Release/deepprove_native.node) with node-gyp.
//
// Runs from `npm install` / `npm ci`. It never fails the install: when no compiler or Node headers are
// available it says so and exits 0, and deepprove falls back to its portable backend (@noble/curves; same
// results, slower). Set DEEPPROVE_SKIP_NATIVE=1 to skip the build entirely.
"use strict";
const { spawnSync } = require("node:child_process");
const { existsSync } = require("node:fs");
const path = require("node:path");

const NATIVE_DIR = __dirname;

/** node-gyp's entry script: the one npm passes to lifecycle scripts, a local install, or npm's bundled copy. */
function findNodeGyp() {
  const candidates = [
    process.env.npm_config_node_gyp,
    (() => {
      try {
        return require.resolve("node-gyp/bin/node-gyp.js");
      } catch {
        return undefined;
      }
    })(),
    path.join(path.dirname(process.execPath), "..", "lib", "node_modules", "npm", "node_modules", "node-gyp", "bin", "node-gyp.js"),
  ];
  return candidates.find((c) => c && existsSync(c));
}

/**
 * Where Node's C headers live, so node-gyp needs no download (these machines are offline): npm's `nodedir`
 * setting if given, else the prefix of the running node when it ships `include/node/node_api.h`.
 */
function findNodeDir() {
  if (process.env.npm_config_nodedir) return process.env.npm_config_nodedir;
  const prefix = path.join(path.dirname(process.execPath), "..");
  return existsSync(path.join(prefix, "include", "node", "node_api.h")) ? path.resolve(prefix) : undefined;
}

function main() {
  if (process.env.DEEPPROVE_SKIP_NATIVE === "1") {
    console.log("deepprove native: skipped (DEEPPROVE_SKIP_NATIVE=1); the portable MSM backend will be used");
    return;
  }
  const gyp = findNodeGyp();
  if (!gyp) {
    console.warn("deepprove native: node-gyp not found; the portable MSM backend will be used");
    return;
  }
  const nodedir = findNodeDir();
  const gypArgs = [gyp, "rebuild", ...(nodedir ? [`--nodedir=${nodedir}`] : [])];
  const result = spawnSync(process.execPath, gypArgs, { cwd: NATIVE_DIR, stdio: "inherit" });
  if (result.status !== 0) {
    console.warn(
      "deepprove native: build failed (see above); the portable MSM backend will be used. " +
        "Install a C++17 compiler, python3 and Node's headers, then run `npm run build:native`.",
    );
  }
}

main();
