// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./ProofStream.sol";
import {Program} from "./Program.sol";
import {Broadcast} from "./Broadcast.sol";
import {ClaimList} from "./ClaimList.sol";
import {Mle} from "./Mle.sol";
import {RowReduce} from "./RowReduce.sol";

/// @title SoftmaxStep — one softmax node step (kind `softmax`, and the inner step of `causal-softmax`)
/// @notice Twin of `softmaxHandler.verify` (src/prover/graph/nodes/softmax.ts) and `verifySoftmaxDivision`
/// (src/prover/layers/softmax.ts); spec in docs/prover.md ("Transformer layers: softmax"):
///   S, m = absorb("softmax.arena", 2 scalars); the arena walk (the bound t = 2·S·1_row − rem − 1_real checked
///   at ρ); τ = n × challenge("softmax.tau"); the zero-check (degree 3) and absorb("softmax.eval", [e, S, y,
///   rem…]), the check eq(τ, ρ′)·(2·qmax·e + Sb − (2·Sb + pad)·y − rem) = final claim (Sb = S·1_row,
///   pad = 1 − 1_real); the row sum S → e; the row max (RowReduce.max) on m.
/// Claims in (the register): the arena's claims on the EXP column (components d, e + one·pad), on y, on every
///   rem limb, on every t limb and on the CLAMP column (2 components), then every claim on the output y.
/// Claims out, in the TypeScript walk's order: e, y, rem…, t… at ρ; S at ρ_row; x at ρ (d + m·1_row); the claims
///   on y; e, S, y, rem… at ρ′ (S at ρ′_row); e at the row sum's point; then RowReduce.max's (x, m, m, s, s).
/// Program: u8 n, u8 limbs, u8 limb bits, word EXP[0], word 2·qmax, then the geometry — gather ρ → ρ_row,
///   factor 1_row, factor 1_real (Broadcast format over x's layout) — the row sum's selector and the row
///   max's parameters.
library SoftmaxStep {
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;
    bytes32 internal constant LABEL_ARENA = "softmax.arena";
    bytes32 internal constant LABEL_TAU = "softmax.tau";
    bytes32 internal constant LABEL_EVAL = "softmax.eval";
    /// @dev The division zero-check: eq · Sb · y.
    uint256 private constant DEGREE = 3;
    /// @dev Register claims besides the limbs: EXP (2), y, CLAMP (2).
    uint256 private constant ARENA_CLAIMS = 5;
    /// @dev Claims handed on besides the limbs and the claims on y (see the notice).
    uint256 private constant OUT_CLAIMS = 13;

    /// @notice The arena's limbs of t do not equal 2·S·1_row − rem − 1_real.
    error SoftmaxRemainderBound();
    /// @notice The division relation does not vanish at the zero-check point.
    error SoftmaxDivisionFailed();
    /// @notice The register does not hold the arena claims the step needs, or they sit at different points
    /// (a generator bug).
    error SoftmaxClaims(uint256 count);

    /// @dev The step's constants and where its geometry fields start in the program (read at ρ and at ρ′).
    struct Params {
        uint256 n;
        uint256 limbs;
        uint256 limbBits;
        uint256 expOne;
        uint256 twoQmax;
        uint256 geometryAt;
        uint256 end;
    }

    /// @notice Runs the step on the register `input`; returns the claims it hands on.
    function run(ProofStream.Stream memory s, Program.Reader memory r, ProofStream.Claim[] memory input)
        internal
        pure
        returns (ProofStream.Claim[] memory)
    {
        Params memory p = _params(r);
        uint256 arenaClaims = ARENA_CLAIMS + 2 * p.limbs;
        if (input.length < arenaClaims) revert SoftmaxClaims(input.length);
        ClaimList.List memory out = ClaimList.create(OUT_CLAIMS + 3 * p.limbs + input.length - arenaClaims);
        uint256 at = ProofStream.absorbScalars(s, LABEL_ARENA, 2);
        ProofStream.Claim memory m = _arenaWalk(p, input, ProofStream.word(at, 0), ProofStream.word(at, 1), out);
        ProofStream.Claim memory e = RowReduce.sum(s, r, _division(s, p, out));
        ClaimList.push(out, e.point, e.value);
        ProofStream.Claim[] memory claims = new ProofStream.Claim[](1);
        claims[0] = m;
        uint256 select = ARENA_CLAIMS - 2 + 2 * p.limbs;
        RowReduce.max(s, r, claims, input[select], input[select + 1].value, out);
        return ClaimList.done(out);
    }

    function _params(Program.Reader memory r) private pure returns (Params memory p) {
        p.n = Program.u8(r);
        p.limbs = Program.u8(r);
        p.limbBits = Program.u8(r);
        p.expOne = Program.word(r);
        p.twoQmax = Program.word(r);
        p.geometryAt = r.ptr;
        p.end = r.end;
        // Skip the geometry: u8 count + count gather bytes, then two factors (u8 count + 6 bytes per axis).
        Program.skip(r, Program.u8(r));
        Program.skip(r, 6 * Program.u8(r));
        Program.skip(r, 6 * Program.u8(r));
    }

    /// @dev A point's row part and indicators.
    struct Geometry {
        uint256[] rhoRow;
        uint256 rowInd;
        uint256 real;
    }

    /// @dev ρ_row, 1_row(ρ) and 1_real(ρ) from the program's geometry fields.
    function _geometry(Params memory p, uint256[] memory rho) private pure returns (Geometry memory g) {
        Program.Reader memory r = Program.Reader(p.geometryAt, p.end);
        g.rhoRow = Program.gather(r, rho);
        g.rowInd = Broadcast.factor(r, rho);
        g.real = Broadcast.factor(r, rho);
    }

    /// @dev The arena's claims on the step's columns (see the notice); returns the claim on m at ρ_row.
    function _arenaWalk(
        Params memory p,
        ProofStream.Claim[] memory input,
        uint256 sValue,
        uint256 mValue,
        ClaimList.List memory out
    ) private pure returns (ProofStream.Claim memory mClaim) {
        uint256[] memory rho = input[0].point;
        uint256 limbs = p.limbs;
        // The y, rem and t columns have x's variables: the arena gives them the same point as the EXP column.
        for (uint256 i = 2; i < 3 + 2 * limbs; ++i) {
            if (input[i].point.length != rho.length) revert SoftmaxClaims(input.length);
        }
        Geometry memory g = _geometry(p, rho);
        _checkBound(p, input, mulmod(sValue, g.rowInd, R_MODULUS), g.real);
        ClaimList.push(out, rho, Mle.sub(input[1].value, mulmod(p.expOne, Mle.sub(1, g.real), R_MODULUS)));
        for (uint256 i = 2; i < 3 + 2 * limbs; ++i) ClaimList.push(out, rho, input[i].value);
        ClaimList.push(out, g.rhoRow, sValue);
        ClaimList.push(out, rho, addmod(input[0].value, mulmod(mValue, g.rowInd, R_MODULUS), R_MODULUS));
        for (uint256 i = ARENA_CLAIMS + 2 * limbs; i < input.length; ++i) {
            ClaimList.push(out, input[i].point, input[i].value);
        }
        mClaim = ProofStream.Claim(g.rhoRow, mValue);
    }

    /// @dev t = 2·Sb − rem − 1_real at ρ, from the arena's limb claims (rem at 3…, t after it).
    function _checkBound(Params memory p, ProofStream.Claim[] memory input, uint256 sb, uint256 real) private pure {
        uint256 rem = _limbs(input, 3, p.limbs, p.limbBits);
        uint256 t = _limbs(input, 3 + p.limbs, p.limbs, p.limbBits);
        if (t != Mle.sub(Mle.sub(addmod(sb, sb, R_MODULUS), rem), real)) revert SoftmaxRemainderBound();
    }

    /// @dev Σ_j 2^(L·j)·v_j over the values of claims[from … from + n).
    function _limbs(ProofStream.Claim[] memory claims, uint256 from, uint256 n, uint256 bits)
        private
        pure
        returns (uint256 acc)
    {
        for (uint256 j; j < n; ++j) {
            acc = addmod(acc, mulmod(claims[from + j].value, 1 << (bits * j), R_MODULUS), R_MODULUS);
        }
    }

    /// @dev The division zero-check; e, S, y, rem at ρ′ handed on; returns the claim on S at ρ′_row.
    function _division(ProofStream.Stream memory s, Params memory p, ClaimList.List memory out)
        private
        pure
        returns (ProofStream.Claim memory sClaim)
    {
        uint256[] memory tau = new uint256[](p.n);
        for (uint256 j; j < p.n; ++j) tau[j] = ProofStream.challenge(s, LABEL_TAU);
        (uint256[] memory rho, uint256 expected) = ProofStream.sumcheck(s, 0, p.n, DEGREE);
        // Evaluations: e, S, y, rem limbs (calldata words at `at`).
        uint256 at = ProofStream.absorbScalars(s, LABEL_EVAL, 3 + p.limbs);
        Geometry memory g = _geometry(p, rho);
        if (mulmod(Mle.eq(tau, rho), _body(p, g, at), R_MODULUS) != expected) revert SoftmaxDivisionFailed();
        sClaim = ProofStream.Claim(g.rhoRow, ProofStream.word(at, 1));
        ClaimList.push(out, rho, ProofStream.word(at, 0));
        ClaimList.push(out, g.rhoRow, sClaim.value);
        ClaimList.push(out, rho, ProofStream.word(at, 2));
        for (uint256 j; j < p.limbs; ++j) ClaimList.push(out, rho, ProofStream.word(at, 3 + j));
    }

    /// @dev 2·qmax·e + Sb − (2·Sb + pad)·y − Σ_j 2^(L·j)·rem_j at ρ′.
    function _body(Params memory p, Geometry memory g, uint256 at) private pure returns (uint256 body) {
        uint256 sb = mulmod(ProofStream.word(at, 1), g.rowInd, R_MODULUS);
        body = addmod(mulmod(p.twoQmax, ProofStream.word(at, 0), R_MODULUS), sb, R_MODULUS);
        uint256 yWeight = addmod(addmod(sb, sb, R_MODULUS), Mle.sub(1, g.real), R_MODULUS);
        body = Mle.sub(body, mulmod(yWeight, ProofStream.word(at, 2), R_MODULUS));
        for (uint256 j; j < p.limbs; ++j) {
            body = Mle.sub(body, mulmod(ProofStream.word(at, 3 + j), 1 << (p.limbBits * j), R_MODULUS));
        }
    }
}
