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
/// (src/prover/layers/requant.ts, src/prover/layers/requant-zerocheck.ts), spec in docs/prover.md
/// ("Requantization", session 7's zero-check form):
///   the RANGE columns give the rem, e, u and ū limbs a_i at the arena point ρ_a (by the ū mode: no ū column
///   (u alone on [0, hi − lo]), the derived column (hi − lo) − u, never in A, whose value is checked instead, or
///   committed ū limbs); c = challenge("requant.coeff"); ONE zero-check at ρ_a,
///   Σ_x eq(ρ_a, x)·F(x) = 2^s·lo + [committed ū: c^5·(hi − lo)] + Σ_i c^(6+i)·a_i, with
///   F = M·acc + 2^(s−1)·1_real − Σ_i 2^(Li)·rem_i − 2^s·(p − q)·Σ_j 2^(Lj)·e_j − 2^s·U
///       + c·p·Ū + c²·q·U + c³·(p² − p) + c⁴·(q² − q) + [committed ū: c^5·(U + Ū)] + Σ_i c^(6+i)·ℓ_i
///   (U = Σ_j 2^(Lj) u_j, Ū the committed ū limbs' sum or (hi − lo) − U), over n rounds that each send the
///   degree-2 quotient h_j of the round polynomial by its eq factor: [h_j(0), h_j,2] absorbed as
///   "requant.round", r_j = challenge("requant.point"), κ ← h_j(0) + r_j·(κ − h_j(0))/a_j + h_j,2·r_j·(r_j − 1),
///   kept as a fraction N/D (D = Π a_j: no inversion); absorb("requant.evals", [acc, p, q, rem…, e…, u…,
///   committed ū…]) and the check N = F(ρ′)·D (D ≠ 0). Then r_col = m_0 × challenge("requant.column") and ONE
///   opening per group slot g of A (p, q, rem…, e…, u…, ū… across the groups, 2^(m_g) tables each at sub-offsets
///   j·2^n; m_g = its variables − n, k's binary decomposition) at (ρ′ ‖ r_col[0 … m_g)) with value
///   Σ_j eq(r_col[0 … m_g), j)·v_(start_g + j); then every claim on y (r_k, v_k) — y = lo + U on the whole cube —
///   as openings of u's limbs at (r_k ‖ the bits of u_j's index in its group): u_1 … u_(ℓ_u−1) read and
///   absorbed as "requant.u" (none when u is one limb), u_0 = v_k − lo − Σ_(j≥1) 2^(Lj)·u_j.
/// Out: the register holds the claim on acc at ρ′.
/// Program: u16 y, u8 n, indicator factor (Broadcast format, over every axis), word M, word 2^s, word 2^(s−1)
/// (0 for s = 0), u8 limb bits L, u8 remLimbs, u8 eLimbs, u8 uLimbs, u8 ū mode (UC_*), u8 group slots, u16 each
/// (slots of A), word lo, word hi (Fr), u8 range columns, u16 each.
library RequantStep {
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;
    bytes32 internal constant LABEL_COEFF = "requant.coeff";
    bytes32 internal constant LABEL_ROUND = "requant.round";
    bytes32 internal constant LABEL_POINT = "requant.point";
    bytes32 internal constant LABEL_EVALS = "requant.evals";
    bytes32 internal constant LABEL_COLUMN = "requant.column";
    bytes32 internal constant LABEL_U = "requant.u";

    /// @notice The derived column ū is not (hi − lo) − u.
    error RequantDerivedBound();
    /// @notice The identity M·acc + 2^(s−1) = 2^s·(lo + u + (p − q)·e) + rem, the flags' zero-check or the arena's
    /// limb claims fail at the sum-check point (or the arena point has a zero coordinate).
    error RequantCheckFailed();

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
        (uint256[] memory rho, uint256[] memory ev) = _reduce(m, p);
        _openClaims(m, p, _openGroups(m, p, rho, ev));
        m.regs = Machine.single(ProofStream.Claim(rho, ev[0]));
    }

    /// @dev The arena's values, c, the zero-check, the evaluations at ρ′ and the final check; returns ρ′ and
    /// ev = [acc, p, q, rem…, e…, u…, ū…].
    function _reduce(Machine.State memory m, Params memory p)
        private
        pure
        returns (uint256[] memory rho, uint256[] memory ev)
    {
        (uint256[] memory rhoA, uint256 claim, uint256 c) = _claim(m, p);
        uint256 num;
        uint256 den;
        (rho, num, den) = _zeroCheck(m.s, rhoA, claim);
        // acc, then the group's values (p, q, rem, e, u, ū).
        uint256 count = 3 + p.nLimbs;
        uint256 at = ProofStream.absorbScalars(m.s, LABEL_EVALS, count);
        ev = new uint256[](count);
        assembly ("memory-safe") {
            calldatacopy(add(ev, 32), at, shl(5, count))
        }
        uint256 ind = p.half == 0 ? 0 : Broadcast.factor(Program.Reader(p.indicatorAt, m.r.end), rho);
        if (den == 0 || num != mulmod(_evalF(p, ev, c, ind), den, R_MODULUS)) revert RequantCheckFailed();
    }

    /// @dev ρ_a and the arena's limb values (RANGE columns), c = challenge("requant.coeff") and the zero-check's
    /// claim 2^s·lo + [committed: c^5·(hi − lo)] + Σ_i c^(6+i)·a_i.
    function _claim(Machine.State memory m, Params memory p)
        private
        pure
        returns (uint256[] memory rhoA, uint256 claim, uint256 c)
    {
        uint256[] memory limbs;
        (rhoA, limbs) = _ranges(m, p);
        c = ProofStream.challenge(m.s, LABEL_COEFF);
        uint256 c5 = _pow5(c);
        claim = mulmod(p.twoS, p.lo, R_MODULUS);
        if (p.ucMode == UC_COMMITTED) claim = addmod(claim, mulmod(c5, Mle.sub(p.hi, p.lo), R_MODULUS), R_MODULUS);
        claim = addmod(claim, _limbClaims(limbs, 0, p.nLimbs, c, c5), R_MODULUS);
    }

    /// @dev The zero-check's rounds (two words each: h(0), h₂), κ = num/den from κ_0 = claim: per round
    /// absorb("requant.round", [h(0), h₂]), r = challenge("requant.point"), then
    /// num ← a·den·(h(0) + h₂·r·(r − 1)) + r·(num − h(0)·den), den ← a·den (a = ρ_a's coordinate). Returns ρ′.
    /// The transcript's hashing is inlined (ProofStream.absorbScalars / challenge, same bytes): a call each cost
    /// ≈ 1k gas a round.
    function _zeroCheck(ProofStream.Stream memory s, uint256[] memory rhoA, uint256 claim)
        private
        pure
        returns (uint256[] memory rho, uint256 num, uint256 den)
    {
        rho = new uint256[](rhoA.length);
        uint256 at = ProofStream.take(s, 2 * rhoA.length);
        bytes32 state = s.state;
        // Every word below r, checked on the way (the error is named on the cold path).
        bool ok = true;
        assembly ("memory-safe") {
            let m := R_MODULUS
            num := claim
            den := 1
            // o: the offset of coordinate j in ρ_a and ρ′ (arrays: a length word, then the coordinates).
            for { let o := 0x20 } lt(o, add(shl(5, mload(rhoA)), 0x20)) { o := add(o, 0x20) } {
                let h0 := calldataload(at)
                let h2 := calldataload(add(at, 0x20))
                ok := and(ok, and(lt(h0, m), lt(h2, m)))
                // state ‖ label ‖ h(0) ‖ h₂, hashed in scratch past the free memory pointer.
                let buf := mload(0x40)
                mstore(buf, state)
                mstore(add(buf, 0x20), LABEL_ROUND)
                mstore(add(buf, 0x40), h0)
                mstore(add(buf, 0x60), h2)
                mstore(0x00, keccak256(buf, 0x80))
                mstore(0x20, LABEL_POINT)
                state := keccak256(0x00, 0x40)
                let r := mod(state, m)
                mstore(add(rho, o), r)
                let ad := mulmod(mload(add(rhoA, o)), den, m)
                // num ← a·den·(h(0) + h₂·(r² + (m − r))) + r·(num + (m − h(0)·den))
                num := addmod(
                    mulmod(ad, addmod(h0, mulmod(h2, addmod(mulmod(r, r, m), sub(m, r), m), m), m), m),
                    mulmod(r, addmod(num, sub(m, mulmod(h0, den, m)), m), m),
                    m
                )
                den := ad
                at := add(at, 0x40)
            }
        }
        if (!ok) _checkCanonical(s, at - (rhoA.length << 6), 2 * rhoA.length);
        s.state = state;
    }

    /// @dev Reverts ProofScalarNotCanonical naming the first of `count` words at `at` that is not below r.
    function _checkCanonical(ProofStream.Stream memory s, uint256 at, uint256 count) private pure {
        uint256 bad = type(uint256).max;
        assembly ("memory-safe") {
            let m := R_MODULUS
            for { let end := add(at, shl(5, count)) } lt(at, end) { at := add(at, 0x20) } {
                if iszero(lt(calldataload(at), m)) {
                    bad := at
                    break
                }
            }
        }
        if (bad != type(uint256).max) revert ProofStream.ProofScalarNotCanonical(ProofStream.offsetOf(s, bad));
    }

    /// @dev c^5.
    function _pow5(uint256 c) private pure returns (uint256) {
        uint256 c2 = mulmod(c, c, R_MODULUS);
        return mulmod(mulmod(c2, c2, R_MODULUS), c, R_MODULUS);
    }

    /// @dev F at ρ′ from ev = [acc, p, q, rem…, e…, u…, ū…] (U = Σ_j 2^(Lj)·u_j, Ū the committed ū limbs' sum or
    /// (hi − lo) − U; {_uSums}):
    ///   M·acc + 2^(s−1)·1_real(ρ′) − Σ_i 2^(Li)·rem_i − 2^s·((p − q)·Σ_j 2^(Lj)·e_j + U)
    ///   + c·(p·Ū + c·(q·U + c·((p² − p) + c·(q² − q)))) + [committed: c^5·(U + Ū)] + Σ_i c^(6+i)·ℓ_i.
    /// `ind` = 1_real(ρ′) (0 when s = 0: no 2^(s−1) term).
    function _evalF(Params memory p, uint256[] memory ev, uint256 c, uint256 ind) private pure returns (uint256 f) {
        (uint256 u, uint256 uc, uint256 sub_) = _uSums(p, ev);
        assembly ("memory-safe") {
            let q := R_MODULUS
            let pv := mload(add(ev, 0x40))
            let qv := mload(add(ev, 0x60))
            // Params words: multiplier 0x60, half 0xa0, ucMode 0x140, nLimbs 0x180.
            f := addmod(mulmod(mload(add(p, 0x60)), mload(add(ev, 0x20)), q), mulmod(mload(add(p, 0xa0)), ind, q), q)
            f := addmod(f, sub(q, sub_), q)
            // The flags, Horner in c from the last term.
            let t := addmod(mulmod(qv, qv, q), sub(q, qv), q)
            t := addmod(mulmod(t, c, q), addmod(mulmod(pv, pv, q), sub(q, pv), q), q)
            t := addmod(mulmod(t, c, q), mulmod(qv, u, q), q)
            t := addmod(mulmod(t, c, q), mulmod(pv, uc, q), q)
            f := addmod(f, mulmod(t, c, q), q)
            let w := mulmod(c, c, q)
            w := mulmod(mulmod(w, w, q), c, q)
            if eq(mload(add(p, 0x140)), UC_COMMITTED) { f := addmod(f, mulmod(w, addmod(u, uc, q), q), q) }
            // The limb claims, weights c^6, c^7, … over ev[3 …].
            let ptr := add(ev, 0x80)
            for { let end := add(ptr, shl(5, mload(add(p, 0x180)))) } lt(ptr, end) { ptr := add(ptr, 0x20) } {
                w := mulmod(w, c, q)
                f := addmod(f, mulmod(w, mload(ptr), q), q)
            }
        }
    }

    /// @dev U, Ū (the committed ū limbs' sum, or (hi − lo) − U) and what F subtracts from M·acc + 2^(s−1)·1_real:
    /// Σ_i 2^(Li)·rem_i + 2^s·((p − q)·Σ_j 2^(Lj)·e_j + U), from ev.
    function _uSums(Params memory p, uint256[] memory ev) private pure returns (uint256 u, uint256 uc, uint256 sub_) {
        // The last entry read: an ev shorter than the program's limbs panics, as an element-wise read would.
        ev[2 + p.nLimbs];
        assembly ("memory-safe") {
            // Σ_j 2^(bits·j)·(word j of the run at ptr).
            function limbs(ptr, count, bits) -> s {
                let q := R_MODULUS
                let w := 1
                for { let end := add(ptr, shl(5, count)) } lt(ptr, end) { ptr := add(ptr, 0x20) } {
                    s := addmod(s, mulmod(w, mload(ptr), q), q)
                    w := shl(bits, w)
                }
            }
            // Params words: limbBits 0xc0, nRem 0xe0, nE 0x100, nU 0x120, ucMode 0x140, lo 0x1c0, hi 0x1e0.
            let bits := mload(add(p, 0xc0))
            let at := add(ev, 0x80)
            sub_ := limbs(at, mload(add(p, 0xe0)), bits)
            at := add(at, shl(5, mload(add(p, 0xe0))))
            let e := limbs(at, mload(add(p, 0x100)), bits)
            at := add(at, shl(5, mload(add(p, 0x100))))
            u := limbs(at, mload(add(p, 0x120)), bits)
            let q := R_MODULUS
            // + 2^s·((p − q)·e + U) (twoS at 0x80)
            let d := addmod(mulmod(addmod(mload(add(ev, 0x40)), sub(q, mload(add(ev, 0x60))), q), e, q), u, q)
            sub_ := addmod(sub_, mulmod(mload(add(p, 0x80)), d, q), q)
            uc := addmod(addmod(mload(add(p, 0x1e0)), sub(q, mload(add(p, 0x1c0))), q), sub(q, u), q)
            if eq(mload(add(p, 0x140)), UC_COMMITTED) { uc := limbs(add(at, shl(5, mload(add(p, 0x120)))), mload(add(p, 0x120)), bits) }
        }
    }

    /// @dev r_col = m_0 × challenge("requant.column") and one record per group slot g at (ρ′ ‖ r_col[0 … m_g)) with
    /// value Σ_j eq(r_col[0 … m_g), j)·ev[start_g + j] (m_g = the slot's variables − n; the groups hold p, q, rem…,
    /// e…, u…, ū… in order, 2^(m_g) tables each, m_0 the largest).
    /// Returns its point buffer (n + m_0 words), which {_openClaims} reuses: a record copies its point.
    function _openGroups(Machine.State memory m, Params memory p, uint256[] memory rho, uint256[] memory ev)
        private
        pure
        returns (uint256[] memory point)
    {
        uint256 n = p.numVars;
        (uint256 full,) = ClaimBook.entry(m.a, p.groups[0]);
        point = new uint256[](full);
        assembly ("memory-safe") {
            mcopy(add(point, 0x20), add(rho, 0x20), shl(5, n))
        }
        for (uint256 j = n; j < full; ++j) point[j] = ProofStream.challenge(m.s, LABEL_COLUMN);
        uint256 at = 1;
        for (uint256 g; g < p.groups.length; ++g) {
            uint256 slot = p.groups[g];
            (uint256 vars,) = ClaimBook.entry(m.a, slot);
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

    /// @dev Σ_i c^(6+i)·vals[at + i] for i < count (c5 = c^5): the arena's limb claims' part of the claim (vals =
    /// a) or of F at ρ′ (vals = the limbs at ρ′). A pointer loop (a Solidity loop costs ≈ 75 opcodes a limb).
    function _limbClaims(uint256[] memory vals, uint256 at, uint256 count, uint256 c, uint256 c5)
        private
        pure
        returns (uint256 sum)
    {
        if (count == 0) return 0;
        // The last entry read here: an index past the end panics, as an element-wise loop would.
        vals[at + count - 1];
        assembly ("memory-safe") {
            let m := R_MODULUS
            let w := mulmod(c5, c, m)
            let p := add(add(vals, 0x20), shl(5, at))
            for { let end := add(p, shl(5, count)) } lt(p, end) { p := add(p, 0x20) } {
                sum := addmod(sum, mulmod(w, mload(p), m), m)
                w := mulmod(w, c, m)
            }
        }
    }

    /// @dev Every claim on y (r_k, v_k) as openings of u's limbs (y = lo + U on the whole cube): u_1 … u_(ℓ_u−1)
    /// at r_k read and absorbed as "requant.u", u_0 = v_k − lo − Σ_(j≥1) 2^(Lj)·u_j; u_j's record at
    /// (r_k ‖ the bits of its index in its group slot, least significant first).
    /// `buf`: a point buffer of n + m_0 words (a record copies its point; every group has m_g ≤ m_0 variables).
    function _openClaims(Machine.State memory m, Params memory p, uint256[] memory buf) private pure {
        ProofStream.Claim[] memory claims = ClaimBook.take(m.book, p.y);
        for (uint256 k; k < claims.length; ++k) {
            uint256 at = ProofStream.absorbScalars(m.s, LABEL_U, p.nU - 1);
            uint256 value = _uZero(p, claims[k].value, at);
            for (uint256 j; j < p.nU; ++j) {
                ClaimBook.open(m.book, m.a, _uPoint(p, claims[k].point, j, buf), buf, value);
                // u_(j+1), the sent word j (read past the run after the last limb, unused).
                value = ProofStream.word(at, j);
            }
        }
    }

    /// @dev u_0 at a claim's point: v − lo − Σ_(i≥1) 2^(Li)·u_i (u_i the sent words at `at`).
    function _uZero(Params memory p, uint256 v, uint256 at) private pure returns (uint256 u) {
        assembly ("memory-safe") {
            // Params words: limbBits 0xc0, nU 0x120, lo 0x1c0.
            let q := R_MODULUS
            let bits := mload(add(p, 0xc0))
            u := addmod(v, sub(q, mload(add(p, 0x1c0))), q)
            let limb := 1
            for { let i := 1 } lt(i, mload(add(p, 0x120))) { i := add(i, 1) } {
                limb := shl(bits, limb)
                u := addmod(u, sub(q, mulmod(limb, calldataload(add(at, shl(5, sub(i, 1)))), q)), q)
            }
        }
    }

    /// @dev u_j's group slot; writes the record's point (r ‖ the bits of u_j's index in the slot) into `point`
    /// and sets its length (n + m_g). The slots are k's binary decomposition (the largest first), so the g-th set
    /// bit of k from the top is group g's 2^(m_g).
    function _uPoint(Params memory p, uint256[] memory r, uint256 j, uint256[] memory point)
        private
        pure
        returns (uint256 slot)
    {
        uint256 index = 2 + p.nRem + p.nE + j;
        uint256 k = 2 + p.nLimbs;
        uint256 g;
        uint256 mg = 6;
        assembly ("memory-safe") {
            // The no-wrap bound keeps k < 64 (docs/prover.md): bits 5 … 0. index becomes u_j's index in its group.
            for {} gt(mg, 0) {} {
                mg := sub(mg, 1)
                if and(shr(mg, k), 1) {
                    if lt(index, shl(mg, 1)) { break }
                    index := sub(index, shl(mg, 1))
                    g := add(g, 1)
                }
            }
        }
        slot = p.groups[g];
        assembly ("memory-safe") {
            let n := mload(r)
            mstore(point, add(n, mg))
            mcopy(add(point, 0x20), add(r, 0x20), shl(5, n))
            for { let b := 0 } lt(b, mg) { b := add(b, 1) } {
                mstore(add(point, shl(5, add(add(n, b), 1))), and(shr(b, index), 1))
            }
        }
    }
}
