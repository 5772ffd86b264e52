// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./ProofStream.sol";
import {Program} from "./Program.sol";
import {ProductStep} from "./ProductStep.sol";
import {SelectorStep} from "./SelectorStep.sol";
import {Elementwise} from "./Elementwise.sol";
import {MergeStep} from "./MergeStep.sol";
import {Reindex} from "./Reindex.sol";
import {Machine} from "./Machine.sol";

/// @title LayerOps — one layer IOP of a verifier program: claims on the output in, claims on the inputs out
/// @notice Opcodes (src/compiler/program/opcodes.ts holds the same numbers):
///   MATMUL   [X, W, (bias)]            ProductStep (family MatMul)
///   CONV     [X, W, (bias)]            ProductStep (family Conv), then the im2col selector (pool r ‖ ρ)
///   REINDEX  [X]                       Reindex.single
///   CONCAT   [X_0 … X_{k−1}]           Reindex.concat
///   LINEAR   [op_0 … op_{m−1}]         Elementwise.linear
///   HADAMARD [a, b]                    Elementwise.hadamard
///   MERGE    [merged]                  MergeStep (u8 numVars; every input claim is merged)
/// Every opcode but MERGE takes exactly one input claim.
library LayerOps {
    uint256 internal constant OP_MATMUL = 1;
    uint256 internal constant OP_CONV = 2;
    uint256 internal constant OP_REINDEX = 3;
    uint256 internal constant OP_CONCAT = 4;
    uint256 internal constant OP_LINEAR = 5;
    uint256 internal constant OP_HADAMARD = 6;
    uint256 internal constant OP_MERGE = 7;

    /// @notice The program names an unknown opcode (a generator bug).
    error LayerOpUnknown(uint256 op);
    /// @notice The opcode got the wrong number of input claims (a verifier bug).
    error LayerOpClaimCount(uint256 op, uint256 count);

    /// @notice Runs the next instruction of `r` on `claims`; returns the claims it reduces to.
    function run(ProofStream.Stream memory s, Program.Reader memory r, ProofStream.Claim[] memory claims)
        internal
        view
        returns (ProofStream.Claim[] memory out)
    {
        uint256 op = Program.u8(r);
        if (op == OP_MERGE) {
            if (claims.length == 0) revert LayerOpClaimCount(op, 0);
            return Machine.single(MergeStep.verify(s, Program.u8(r), claims));
        }
        if (claims.length != 1) revert LayerOpClaimCount(op, claims.length);
        ProofStream.Claim memory claim = claims[0];
        if (op == OP_MATMUL || op == OP_CONV) {
            ProductStep.Result memory p = ProductStep.verify(s, r, claim);
            if (op == OP_CONV) p.x = SelectorStep.verify(s, r, p.x.value, p.pool);
            out = Machine.claimList(p.hasBias ? 3 : 2);
            out[0] = p.x;
            out[1] = p.w;
            if (p.hasBias) out[2] = p.bias;
        } else if (op == OP_REINDEX) {
            out = Machine.single(Reindex.single(s, r, claim));
        } else if (op == OP_CONCAT) {
            out = Reindex.concat(s, r, claim);
        } else if (op == OP_LINEAR) {
            out = Elementwise.linear(s, r, claim);
        } else if (op == OP_HADAMARD) {
            out = Machine.claimList(2);
            (out[0], out[1]) = Elementwise.hadamard(s, r, claim);
        } else {
            revert LayerOpUnknown(op);
        }
    }
}
