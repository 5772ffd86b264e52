#!/usr/bin/env node
// Entry point of the `deepprove` command: runs the TypeScript sources through ts-node (transpile only, so
// start-up stays fast and there is no build output that could go stale).
"use strict";
const path = require("node:path");
require("ts-node").register({
  project: path.join(__dirname, "..", "tsconfig.json"),
  transpileOnly: true,
});
require("../src/cli/main")
  .main(process.argv)
  .then((code) => {
    process.exitCode = code;
  });
