// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./ProofStream.sol";
import {Program} from "./Program.sol";
import {ClaimList} from "./ClaimList.sol";
import {Mle} from "./Mle.sol";
import {SelectorStep} from "./SelectorStep.sol";
import {Broadcast} from "./Broadcast.sol";

/// @title WhereStep — selections by a constant: the committed-mask Where and the public-copy-map step
/// @notice `mask`: twin of the walk of src/prover/graph/nodes/where-mask.ts (Where with a constant condition,
/// handler `where-mask`): y = m⊙a + b − m⊙b with m the committed 0/1 mask, one degree-3 sum-check, O(n) work.
/// `run`: twin of src/prover/graph/nodes/where.ts (handler `where`: ScatterND / ScatterElements with constant
/// indices), y = Σ_j G_j(x_j) by public copy maps — parts v_j = absorb("where.parts", k − 1 scalars),
/// v_{k−1} = v − Σ v_j, then per data input the gather IOP (`verifyGather`, src/prover/layers/gather.ts):
/// absorb("gather.claim", [r…, v_j]) and the selector sum-check of its copy map. Program: u8 k, then per input
/// its selector (SelectorStep format, pool = the claim's point).
/// Both run after the interpreter's MERGEMANY of the claims on y: the register is that one claim.
library WhereStep {
    bytes32 internal constant LABEL_PARTS = "where.parts";
    bytes32 internal constant LABEL_GATHER_CLAIM = "gather.claim";
    bytes32 internal constant LABEL_MASK_CLAIM = "where.claim";
    bytes32 internal constant LABEL_MASK_EVALS = "where.evals";
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;
    /// @dev eq(r, o)·m(o)·a(o) has degree 3 per variable.
    uint256 private constant MASK_DEGREE = 3;
    /// @dev A data input's form in the program: its value is sent (a claim out), or it is a one-element fill.
    uint256 private constant INPUT_SENT = 0;
    uint256 private constant INPUT_FILL = 1;

    /// @notice The register is not one claim on y, or the Where has no data input (a generator bug).
    error WhereClaims(uint256 count);
    /// @notice eq(r, ρ)·(m·a + b − m·b) does not match the sum-check's final claim.
    error WhereMaskCheckFailed();
    /// @notice A data input's form byte is neither sent nor fill (a generator bug).
    error WhereInputForm(uint256 form);

    /// @notice Runs the walk on the merged claim; returns the claims on the data inputs.
    function run(ProofStream.Stream memory s, Program.Reader memory r, ProofStream.Claim[] memory input)
        internal
        pure
        returns (ProofStream.Claim[] memory)
    {
        uint256 k = Program.u8(r);
        if (input.length != 1 || k == 0) revert WhereClaims(input.length);
        ProofStream.Claim memory claim = input[0];
        uint256 at = ProofStream.absorbScalars(s, LABEL_PARTS, k - 1);
        uint256 last = claim.value;
        for (uint256 j; j + 1 < k; ++j) last = Mle.sub(last, ProofStream.word(at, j));
        ClaimList.List memory out = ClaimList.create(k);
        for (uint256 j; j < k; ++j) {
            ProofStream.Claim memory part = ProofStream.Claim(claim.point, j + 1 < k ? ProofStream.word(at, j) : last);
            ProofStream.absorbClaim(s, LABEL_GATHER_CLAIM, part);
            ProofStream.Claim memory x = SelectorStep.verify(s, r, part.value, claim.point);
            ClaimList.push(out, x.point, x.value);
        }
        return ClaimList.done(out);
    }

    /// @notice The committed-mask Where on the merged claim (r, v): absorb("where.claim", [r…, v]), the sum-check
    /// v = Σ_o eq(r, o)·(m·a + b − m·b)(o) over y's n variables (degree 3), absorb("where.evals", [m~, the sent
    /// data values]), then eq(r, ρ)·(m·a + b − m·b) at ρ must be the sum-check's final claim, each operand being
    /// factor·value at ρ (numpy broadcasting; a fill c is c·factor). Program: u8 n; the mask's gather (pool ρ) and
    /// broadcast factor; per data input (a, then b) u8 form — 0: gather + factor (its value is sent), 1: word c
    /// (the fill, canonical) + factor. Claims out: the mask (→ W), then the sent inputs in order.
    function mask(ProofStream.Stream memory s, Program.Reader memory r, ProofStream.Claim[] memory input)
        internal
        pure
        returns (ProofStream.Claim[] memory out)
    {
        if (input.length != 1) revert WhereClaims(input.length);
        ProofStream.Claim memory claim = input[0];
        uint256 numVars = Program.u8(r);
        ProofStream.absorbClaim(s, LABEL_MASK_CLAIM, claim);
        (uint256[] memory rho, uint256 expected) = ProofStream.sumcheck(s, claim.value, numVars, MASK_DEGREE);
        (Operand[3] memory ops, uint256 count) = _operands(r, rho);
        uint256 at = ProofStream.absorbScalars(s, LABEL_MASK_EVALS, count);
        out = new ProofStream.Claim[](count);
        uint256 next;
        for (uint256 i; i < 3; ++i) {
            if (!ops[i].sent) continue;
            ops[i].value = ProofStream.word(at, next);
            out[next++] = ProofStream.Claim(ops[i].point, ops[i].value);
        }
        if (_final(claim.point, rho, ops) != expected) revert WhereMaskCheckFailed();
    }

    /// @dev One operand of the masked Where at ρ: its point and broadcast factor, and its value (a fill's from the
    /// program, a sent one's from the stream).
    struct Operand {
        uint256[] point;
        uint256 factor;
        uint256 value;
        bool sent;
    }

    /// @dev Reads the mask's and the data inputs' geometry (pool ρ); returns them and how many values are sent.
    function _operands(Program.Reader memory r, uint256[] memory rho)
        private
        pure
        returns (Operand[3] memory ops, uint256 count)
    {
        for (uint256 i; i < 3; ++i) {
            uint256 form = i == 0 ? INPUT_SENT : Program.u8(r);
            if (form == INPUT_SENT) {
                ops[i].point = Program.gather(r, rho);
                ops[i].sent = true;
                ++count;
            } else if (form == INPUT_FILL) {
                ops[i].value = Program.word(r);
            } else {
                revert WhereInputForm(form);
            }
            ops[i].factor = Broadcast.factor(r, rho);
        }
    }

    /// @dev eq(r, ρ)·(m·(a − b) + b), each operand factor·value.
    function _final(uint256[] memory point, uint256[] memory rho, Operand[3] memory ops)
        private
        pure
        returns (uint256)
    {
        uint256 m = mulmod(ops[0].factor, ops[0].value, R_MODULUS);
        uint256 a = mulmod(ops[1].factor, ops[1].value, R_MODULUS);
        uint256 b = mulmod(ops[2].factor, ops[2].value, R_MODULUS);
        uint256 rhs = addmod(mulmod(m, Mle.sub(a, b), R_MODULUS), b, R_MODULUS);
        return mulmod(Mle.eq(point, rho), rhs, R_MODULUS);
    }
}
