// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./ProofStream.sol";
import {Program} from "./Program.sol";
import {Broadcast} from "./Broadcast.sol";
import {ClaimBook} from "./ClaimBook.sol";
import {Machine} from "./Machine.sol";
import {Mle} from "./Mle.sol";

/// @title RequantStep — one requantization of the whole-model proof
/// @notice Twin of `verifyRequantStep` (src/prover/graph/nodes/requant-step.ts) and `verifyRequant`
/// (src/prover/layers/requant.ts), spec in docs/prover.md ("Requantization"):
///   the RANGE columns give the rem, e, u and ū limbs a_i at the arena point ρ_a (by the ū mode: no ū column
///   (u alone on [0, hi − lo]), the derived column (hi − lo) − u, never in A, whose value is checked instead, or
///   committed ū limbs); every claim on y (r_k, v_k) — the collected ones, then y = lo + Σ_j 2^(Lj) u_j and, for
///   committed ū, y = hi − Σ_j 2^(Lj) ū_j (lo ≤ 0 ≤ hi; u = −lo, ū = hi in the padding) — is absorbed as ONE
///   message "requant.claims", c = challenge("requant.coeff"), a sum-check of
///   2^s·Σ_k c^k v_k + Σ_i c^(K+4+i)·a_i over n rounds of degree 3,
///   absorb("requant.evals", [acc, p, q, rem…, e…, u…, committed ū…]) and the check (K claims, ℓ_i the limbs)
///   (Σ_k c^k eq(r_k, ρ′))·(M·acc + 2^(s−1)·1_real(ρ′) − Σ_i 2^(Li) rem_i − 2^s·(p − q)·Σ_j 2^(Lj) e_j)
///   + eq(ρ_a, ρ′)·(c^K·p·ū + c^(K+1)·q·u + c^(K+2)·(p² − p) + c^(K+3)·(q² − q) + Σ_i c^(K+4+i)·ℓ_i)
///   = the final claim (ū at ρ′: (hi − lo) − u when derived). Then r_col = m_0 × challenge("requant.column") and
///   ONE opening per group slot g of A (p, q, rem…, e…, u…, ū… across the groups, 2^(m_g) tables each at
///   sub-offsets j·2^n; m_g = its variables − n, k's binary decomposition) at (ρ′ ‖ r_col[0 … m_g)) with value
///   Σ_j eq(r_col[0 … m_g), j)·v_(start_g + j).
/// Out: the register holds the claim on acc at ρ′.
/// Program: u16 y, u8 n, indicator factor (Broadcast format, over every axis), word M, word 2^s, word 2^(s−1)
/// (0 for s = 0), u8 limb bits L, u8 remLimbs, u8 eLimbs, u8 uLimbs, u8 ū mode (UC_*), u8 group slots, u16 each
/// (slots of A), word lo, word hi (Fr), u8 range columns, u16 each.
library RequantStep {
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;
    bytes32 internal constant LABEL_CLAIMS = "requant.claims";
    bytes32 internal constant LABEL_COEFF = "requant.coeff";
    bytes32 internal constant LABEL_EVALS = "requant.evals";
    bytes32 internal constant LABEL_COLUMN = "requant.column";

    /// @notice The derived column ū is not (hi − lo) − u.
    error RequantDerivedBound();
    /// @notice The identity M·acc + 2^(s−1) = 2^s·(y + (p − q)·e) + rem, the flags' zero-check or the arena's
    /// limb claims fail at the sum-check point.
    error RequantCheckFailed();

    uint256 private constant DEGREE = 3;
    /// @dev ū modes (program byte; `RequantGeometry.ucMode`): u alone proves lo ≤ y ≤ hi (hi − lo + 1 = 2^w), ū is
    /// the derived RANGE column (hi − lo) − u, or ū has nU committed limbs.
    uint256 private constant UC_NONE = 0;
    uint256 private constant UC_DERIVED = 1;
    uint256 private constant UC_COMMITTED = 2;

    /// @dev The step's constants.
    struct Params {
        uint256 y;
        uint256 numVars;
        uint256 indicatorAt;
        uint256 multiplier;
        uint256 twoS;
        uint256 half;
        uint256 limbBits;
        uint256 nRem;
        uint256 nE;
        uint256 nU;
        /// UC_NONE, UC_DERIVED or UC_COMMITTED.
        uint256 ucMode;
        /// Committed ū limbs: nU in UC_COMMITTED mode, else 0.
        uint256 nUc;
        /// Committed limb tables: nRem + nE + nU + nUc (the arena's values a_i, and the group's tables after p, q).
        uint256 nLimbs;
        /// The group slots of A (k's binary decomposition, the largest first).
        uint256[] groups;
        uint256 lo;
        uint256 hi;
    }

    /// @notice Runs one requantization; the register ends holding the claim on acc.
    function run(Machine.State memory m) internal pure {
        Params memory p = _params(m.r);
        (ProofStream.Claim[] memory claims, uint256[] memory limbs) = _collect(m, p);
        uint256 c = _absorbClaims(m.s, claims);
        uint256 target;
        uint256 power = 1;
        for (uint256 k; k < claims.length; ++k) {
            target = addmod(target, mulmod(power, claims[k].value, R_MODULUS), R_MODULUS);
            power = mulmod(power, c, R_MODULUS);
        }
        // 2^s·Σ_k c^k v_k + Σ_i c^(K+4+i)·a_i (power = c^K).
        target = addmod(mulmod(p.twoS, target, R_MODULUS), _limbClaims(limbs, 0, p.nLimbs, c, power), R_MODULUS);
        (uint256[] memory rho, uint256 expected) = ProofStream.sumcheck(m.s, target, p.numVars, DEGREE);
        // acc, then the group's values (p, q, rem, e, u, ū).
        uint256 count = 3 + p.nLimbs;
        uint256 at = ProofStream.absorbScalars(m.s, LABEL_EVALS, count);
        uint256[] memory ev = new uint256[](count);
        assembly ("memory-safe") {
            calldatacopy(add(ev, 32), at, shl(5, count))
        }
        _check(m, p, claims, c, rho, ev, expected);
        _openGroups(m, p, rho, ev);
        m.regs = Machine.single(ProofStream.Claim(rho, ev[0]));
    }

    /// @dev r_col = m_0 × challenge("requant.column") and one record per group slot g at (ρ′ ‖ r_col[0 … m_g)) with
    /// value Σ_j eq(r_col[0 … m_g), j)·ev[start_g + j] (m_g = the slot's variables − n; the groups hold p, q, rem…,
    /// e…, u…, ū… in order, 2^(m_g) tables each, m_0 the largest).
    function _openGroups(Machine.State memory m, Params memory p, uint256[] memory rho, uint256[] memory ev)
        private
        pure
    {
        uint256 n = p.numVars;
        uint256 full = m.a.numVars[p.groups[0]];
        uint256[] memory point = new uint256[](full);
        assembly ("memory-safe") {
            mcopy(add(point, 0x20), add(rho, 0x20), shl(5, n))
        }
        for (uint256 j = n; j < full; ++j) point[j] = ProofStream.challenge(m.s, LABEL_COLUMN);
        uint256 at = 1;
        for (uint256 g; g < p.groups.length; ++g) {
            uint256 slot = p.groups[g];
            uint256 vars = m.a.numVars[slot];
            uint256[] memory eqCol = Mle.eqTable(point, n, vars - n);
            uint256 value;
            for (uint256 j; j < eqCol.length; ++j) {
                value = addmod(value, mulmod(eqCol[j], ev[at + j], R_MODULUS), R_MODULUS);
            }
            at += eqCol.length;
            // The record takes (ρ′ ‖ r_col[0 … m_g)): the point viewed with its first `vars` coordinates (its length
            // word set for the call, which copies them, and restored after).
            assembly ("memory-safe") {
                mstore(point, vars)
            }
            ClaimBook.open(m.book, m.a, slot, point, value);
            assembly ("memory-safe") {
                mstore(point, full)
            }
        }
    }

    function _params(Program.Reader memory r) private pure returns (Params memory p) {
        p.y = Program.u16(r);
        p.numVars = Program.u8(r);
        p.indicatorAt = r.ptr;
        // Skip the indicator's axes (u8 count, then 6 bytes per axis); it is evaluated where needed.
        Program.skip(r, 6 * Program.u8(r));
        p.multiplier = Program.word(r);
        p.twoS = Program.word(r);
        p.half = Program.word(r);
        p.limbBits = Program.u8(r);
        p.nRem = Program.u8(r);
        p.nE = Program.u8(r);
        p.nU = Program.u8(r);
        p.ucMode = Program.u8(r);
        p.nUc = p.ucMode == UC_COMMITTED ? p.nU : 0;
        p.nLimbs = p.nRem + p.nE + p.nU + p.nUc;
        p.groups = new uint256[](Program.u8(r));
        for (uint256 g; g < p.groups.length; ++g) p.groups[g] = Program.u16(r);
        p.lo = Program.word(r);
        p.hi = Program.word(r);
    }

    /// @dev The arena's RANGE values (the committed limbs first: rem…, e…, u…, ū…; the derived ū, checked, after),
    /// then every claim on y: the collected ones, then y = lo + u and (committed ū only) y = hi − ū at ρ_a.
    function _collect(Machine.State memory m, Params memory p)
        private
        pure
        returns (ProofStream.Claim[] memory out, uint256[] memory values)
    {
        uint256[] memory point;
        (point, values) = _ranges(m, p);
        uint256 at = p.nRem + p.nE;
        ProofStream.Claim[] memory taken = ClaimBook.take(m.book, p.y);
        out = new ProofStream.Claim[](taken.length + (p.ucMode == UC_COMMITTED ? 2 : 1));
        for (uint256 k; k < taken.length; ++k) out[k] = taken[k];
        // Both identities hold on the whole cube (the padding has y = 0, u = −lo, ū = hi): no indicator.
        out[taken.length] = ProofStream.Claim(point, addmod(p.lo, _limbSum(values, at, p.nU, p.limbBits), R_MODULUS));
        if (p.ucMode == UC_COMMITTED) {
            out[taken.length + 1] = ProofStream.Claim(point, Mle.sub(p.hi, _limbSum(values, at + p.nU, p.nUc, p.limbBits)));
        }
    }

    /// @dev The RANGE columns' values at ρ_a — rem…, e…, u…, then the committed ū limbs, the derived ū (checked) or
    /// nothing. The committed limbs' values become claims of the requant sum-check (no opening of A at ρ_a).
    function _ranges(Machine.State memory m, Params memory p)
        private
        pure
        returns (uint256[] memory point, uint256[] memory values)
    {
        values = new uint256[](Program.u8(m.r));
        for (uint256 k; k < values.length; ++k) {
            ProofStream.Claim memory col = Machine.arenaColumn(m, Program.u16(m.r), 0);
            if (k == 0) point = col.point;
            values[k] = col.value;
        }
        uint256 at = p.nRem + p.nE;
        // A derived ū (u is one limb) follows u: (hi − lo) − u, which holds on the padding too (u = −lo, ū = hi).
        if (p.ucMode == UC_DERIVED && values[at + 1] != Mle.sub(Mle.sub(p.hi, p.lo), values[at])) {
            revert RequantDerivedBound();
        }
    }

    /// @dev Σ_i c^(K+4+i)·vals[at + i] for i < count (cK = c^K): the arena's limb claims' part of the claim (vals =
    /// a) or of the final check (vals = the limbs at ρ′). A pointer loop (a Solidity loop costs ≈ 75 opcodes a limb).
    function _limbClaims(uint256[] memory vals, uint256 at, uint256 count, uint256 c, uint256 cK)
        private
        pure
        returns (uint256 sum)
    {
        if (count == 0) return 0;
        // The last entry read here: an index past the end panics, as an element-wise loop would.
        vals[at + count - 1];
        assembly ("memory-safe") {
            let m := R_MODULUS
            let c2 := mulmod(c, c, m)
            let w := mulmod(cK, mulmod(c2, c2, m), m)
            let p := add(add(vals, 0x20), shl(5, at))
            for { let end := add(p, shl(5, count)) } lt(p, end) { p := add(p, 0x20) } {
                sum := addmod(sum, mulmod(w, mload(p), m), m)
                w := mulmod(w, c, m)
            }
        }
    }

    /// @dev "requant.claims": [r_k…, v_k] for every k in one message; then c. The message is assembled where it
    /// is hashed (state ‖ label ‖ words at the free pointer, one MCOPY per point), as
    /// {ProofStream.absorbMemoryWords} would hash it.
    function _absorbClaims(ProofStream.Stream memory s, ProofStream.Claim[] memory claims)
        private
        pure
        returns (uint256)
    {
        bytes32 state = s.state;
        assembly ("memory-safe") {
            let ptr := mload(0x40)
            mstore(ptr, state)
            mstore(add(ptr, 0x20), LABEL_CLAIMS)
            let o := add(ptr, 0x40)
            let end := add(claims, shl(5, add(mload(claims), 1)))
            for { let c := add(claims, 0x20) } lt(c, end) { c := add(c, 0x20) } {
                // Claim: (point, value); point: length, coordinates.
                let claim := mload(c)
                let pt := mload(claim)
                let bytes_ := shl(5, mload(pt))
                mcopy(o, add(pt, 0x20), bytes_)
                o := add(o, bytes_)
                mstore(o, mload(add(claim, 0x20)))
                o := add(o, 0x20)
            }
            state := keccak256(ptr, sub(o, ptr))
        }
        s.state = state;
        return ProofStream.challenge(s, LABEL_COEFF);
    }

    /// @dev The final check; ev = [acc, p, q, rem…, e…, u…, ū…].
    function _check(
        Machine.State memory m,
        Params memory p,
        ProofStream.Claim[] memory claims,
        uint256 c,
        uint256[] memory rho,
        uint256[] memory ev,
        uint256 expected
    ) private pure {
        uint256 weight;
        uint256 power = 1;
        uint256 eqLast;
        for (uint256 k; k < claims.length; ++k) {
            eqLast = Mle.eq(claims[k].point, rho);
            weight = addmod(weight, mulmod(power, eqLast, R_MODULUS), R_MODULUS);
            power = mulmod(power, c, R_MODULUS);
        }
        uint256 total = mulmod(weight, _identity(m, p, rho, ev), R_MODULUS);
        // power = c^K; the last claim's point is ρ_a, so eqLast = eq(ρ_a, ρ′).
        total = addmod(total, mulmod(eqLast, _atArenaPoint(p, ev, c, power), R_MODULUS), R_MODULUS);
        if (total != expected) revert RequantCheckFailed();
    }

    /// @dev The terms weighted by eq(ρ_a, ρ′): the flags' zero-check and the arena's limb claims (cK = c^K).
    function _atArenaPoint(Params memory p, uint256[] memory ev, uint256 c, uint256 cK) private pure returns (uint256) {
        return addmod(_flagTerms(p, ev, 3 + p.nRem + p.nE, c, cK), _limbClaims(ev, 3, p.nLimbs, c, cK), R_MODULUS);
    }

    /// @dev M·acc + 2^(s−1)·1_real(ρ′) − Σ_i 2^(Li) rem_i − 2^s·(p − q)·Σ_j 2^(Lj) e_j at ρ′.
    function _identity(Machine.State memory m, Params memory p, uint256[] memory rho, uint256[] memory ev)
        private
        pure
        returns (uint256 inner)
    {
        inner = mulmod(p.multiplier, ev[0], R_MODULUS);
        if (p.half != 0) {
            uint256 ind = Broadcast.factor(Program.Reader(p.indicatorAt, m.r.end), rho);
            inner = addmod(inner, mulmod(p.half, ind, R_MODULUS), R_MODULUS);
        }
        inner = Mle.sub(inner, _limbSum(ev, 3, p.nRem, p.limbBits));
        uint256 eSum = _limbSum(ev, 3 + p.nRem, p.nE, p.limbBits);
        inner = Mle.sub(inner, mulmod(p.twoS, mulmod(Mle.sub(ev[1], ev[2]), eSum, R_MODULUS), R_MODULUS));
    }

    /// @dev c^K·p·ū + c^(K+1)·q·u + c^(K+2)·(p² − p) + c^(K+3)·(q² − q) at ρ′ (u's limbs from ev[at], then the
    /// committed ū limbs, or ū = (hi − lo) − u when derived; cK = c^K).
    function _flagTerms(Params memory p, uint256[] memory ev, uint256 at, uint256 c, uint256 cK)
        private
        pure
        returns (uint256 z)
    {
        uint256 pv = ev[1];
        uint256 qv = ev[2];
        // Horner in c from the last term: ((t3·c + t2)·c + t1)·c + t0, times c^K.
        z = Mle.sub(mulmod(qv, qv, R_MODULUS), qv);
        z = addmod(mulmod(z, c, R_MODULUS), Mle.sub(mulmod(pv, pv, R_MODULUS), pv), R_MODULUS);
        uint256 u = _limbSum(ev, at, p.nU, p.limbBits);
        uint256 uc = p.ucMode == UC_COMMITTED ? _limbSum(ev, at + p.nU, p.nUc, p.limbBits) : Mle.sub(Mle.sub(p.hi, p.lo), u);
        z = addmod(mulmod(z, c, R_MODULUS), mulmod(qv, u, R_MODULUS), R_MODULUS);
        z = addmod(mulmod(z, c, R_MODULUS), mulmod(pv, uc, R_MODULUS), R_MODULUS);
        z = mulmod(z, cK, R_MODULUS);
    }

    /// @dev Σ_j 2^(Lj)·vals[at + j] for j < count.
    function _limbSum(uint256[] memory vals, uint256 at, uint256 count, uint256 limbBits)
        private
        pure
        returns (uint256 sum)
    {
        if (count == 0) return 0;
        // The last entry read here: an index past the end panics, as an element-wise loop would.
        vals[at + count - 1];
        assembly ("memory-safe") {
            let m := R_MODULUS
            let limb := 1
            let p := add(add(vals, 0x20), shl(5, at))
            for { let end := add(p, shl(5, count)) } lt(p, end) { p := add(p, 0x20) } {
                sum := addmod(sum, mulmod(limb, mload(p), m), m)
                limb := shl(limbBits, limb)
            }
        }
    }
}
