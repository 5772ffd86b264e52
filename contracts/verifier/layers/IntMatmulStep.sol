// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./ProofStream.sol";
import {Program} from "./Program.sol";
import {ClaimList} from "./ClaimList.sol";
import {LayerOps} from "./LayerOps.sol";
import {ProductStep} from "./ProductStep.sol";
import {IntConstant} from "./IntConstant.sol";

/// @title IntMatmulStep — an exact MatMul Y = X·W whose W may be a constant the verifier evaluates
/// @notice Twin of two TypeScript verify phases that run the MatMul IOP (src/prover/layers/matmul.ts) with no
/// requantization, once per register claim in take order:
///   - `intMatMulHandler.verify` (src/prover/graph/nodes/int-matmul.ts): every claim on Y, X an activation, W an
///     integer constant carried in the plan or an activation;
///   - the selection half of `intGatherHandler.verify` (src/prover/graph/nodes/int-gather.ts): the merged claim on
///     the gathered Y = H·D, X = H (the one-hot matrix, an A slot), W = D (a committed weight, an activation, or an
///     integer constant carried in the plan).
/// Per claim: ProductStep (absorb "matmul.claim", the sum-check, absorb "matmul.evals" [x, w], x·w (·eq) = the
/// final claim, else ProductCheckFailed("matmul")); with a constant W, w must be W~ at its point
/// (IntMatmulConstantWrong: a proof made for another constant) and is not handed on.
/// Claims in: the claims on Y. Claims out, per claim: X, then W unless W is the constant.
/// Program: LayerOps' MATMUL instruction bytes (op byte included), u8 constant (0 / 1), [the constant (IntConstant
/// encoding, over W's layout)]. The parameters are re-read for every claim.
library IntMatmulStep {
    /// @notice The Y~ claim reduces to a W~ value that is not the constant's MLE at its point.
    error IntMatmulConstantWrong();
    /// @notice The section does not start with a MATMUL instruction, or the register is empty (a generator bug).
    error IntMatmulProgram();

    /// @notice Runs the MatMul IOP on every register claim; returns the claims it hands on.
    function run(ProofStream.Stream memory s, Program.Reader memory r, ProofStream.Claim[] memory input)
        internal
        pure
        returns (ProofStream.Claim[] memory)
    {
        if (input.length == 0) revert IntMatmulProgram();
        uint256 at = r.ptr;
        ClaimList.List memory out;
        for (uint256 i; i < input.length; ++i) {
            r.ptr = at;
            if (Program.u8(r) != LayerOps.OP_MATMUL) revert IntMatmulProgram();
            ProductStep.Result memory p = ProductStep.verify(s, r, input[i]);
            bool carried = Program.u8(r) != 0;
            if (i == 0) out = ClaimList.create(input.length * (carried ? 1 : 2));
            ClaimList.push(out, p.x.point, p.x.value);
            if (!carried) ClaimList.push(out, p.w.point, p.w.value);
            else if (IntConstant.evaluate(r, p.w.point) != p.w.value) revert IntMatmulConstantWrong();
        }
        return ClaimList.done(out);
    }
}
