#!/usr/bin/env bash
# Regenerates the small Powers of Tau fixtures in test/fixtures/ptau/ with snarkjs from node_modules
# (a GPL dev-only tool: it makes test data, it never runs in deepprove's shipped path).
#
#   pot<P>_0001.ptau   a fresh ceremony of power P with one contribution (fixed entropy text)
#   pot<P>_final.ptau  the same after `prepare phase2` (adds the Lagrange-basis sections 12..15)
#
# Usage: scripts/make-test-ptau.sh [power]   (default 8: 2^8 powers, ~0.3 MB for both files)
# snarkjs mixes OS randomness into a contribution, so reruns give different (equally valid) files.
set -euo pipefail

POWER="${1:-8}"
ROOT="$(cd "$(dirname "$0")/.." && pwd)"
OUT="$ROOT/test/fixtures/ptau"
SNARKJS="$ROOT/node_modules/.bin/snarkjs"
TMP="$(mktemp -d)"
trap 'rm -rf "$TMP"' EXIT

mkdir -p "$OUT"
"$SNARKJS" powersoftau new bn128 "$POWER" "$TMP/pot_0000.ptau"
"$SNARKJS" powersoftau contribute "$TMP/pot_0000.ptau" "$TMP/pot_0001.ptau" \
  --name="deepprove-evm test fixture" -e="deepprove-evm fixed test entropy (not a secret)"
"$SNARKJS" powersoftau prepare phase2 "$TMP/pot_0001.ptau" "$TMP/pot_final.ptau"
"$SNARKJS" powersoftau verify "$TMP/pot_final.ptau"
cp "$TMP/pot_0001.ptau" "$OUT/pot${POWER}_0001.ptau"
cp "$TMP/pot_final.ptau" "$OUT/pot${POWER}_final.ptau"
ls -l "$OUT"
