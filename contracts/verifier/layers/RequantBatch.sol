// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./ProofStream.sol";
import {Program} from "./Program.sol";
import {Broadcast} from "./Broadcast.sol";
import {ClaimBook} from "./ClaimBook.sol";
import {Machine} from "./Machine.sol";
import {Mle} from "./Mle.sol";

/// @title RequantBatch — one zero-check for every requantization of the proof, run before the walk
/// @notice Twin of `verifyRequants` (src/prover/graph/requant-batch.ts) and `verifyRequantBatch`
/// (src/prover/layers/requant.ts), spec in docs/prover.md ("Requantization", session 8's batch). Per step i (the
/// program's order): the RANGE columns give its rem, e, u and ū limbs a_(i,k) at ρ_a[0 … n_i) (a derived ū is
/// checked, never opened); c = challenge("requant.coeff"), β = challenge("requant.batch"); ONE zero-check over
/// N = max n_i variables at eq point ρ_a[0 … N),
///   Σ_x eq(ρ_a, x)·Σ_i β^i·F_i(x[0 … n_i)) = Σ_i β^i·(2^s·lo + [committed ū: c^5·(hi − lo)] + Σ_k c^(6+k)·a_(i,k)),
///   F_i = M·acc + 2^(s−1)·1_real − Σ_k 2^(Lk)·rem_k − 2^s·(p − q)·Σ_k 2^(Lk)·e_k − 2^s·U
///         + c·p·Ū + c²·q·U + c³·(p² − p) + c⁴·(q² − q) + [committed ū: c^5·(U + Ū)] + Σ_k c^(6+k)·ℓ_k
/// (each step's own constants; U = Σ_j 2^(Lj)·u_j, Ū the committed ū limbs' sum or (hi − lo) − U), whose N rounds
/// each send the degree-2 quotient h_j of the round polynomial by its eq factor: [h_j(0), h_j,2] absorbed as
/// "requant.round", r_j = challenge("requant.point"), κ ← h_j(0) + r_j·(κ − h_j(0))/a_j + h_j,2·r_j·(r_j − 1), kept
/// as a fraction N/D (D = Π a_j: no inversion); absorb("requant.evals", every step's [acc, p, q, rem…, e…, u…,
/// committed ū…] at ρ′[0 … n_i), in order) and the check num = (Σ_i β^i·F_i(ρ′[0 … n_i)))·den, den ≠ 0. Then
/// r_col = m × challenge("requant.column") (m: the largest m_0) and per step ONE opening per group slot g of A (p,
/// q, rem…, e…, u…, ū… across the groups, 2^(m_g) tables each at sub-offsets j·2^(n_i); m_g = its variables − n_i)
/// at (ρ′[0 … n_i) ‖ r_col[0 … m_g)) with value Σ_j eq(r_col[0 … m_g), j)·v_(start_g + j), and the claim on acc at
/// ρ′[0 … n_i) added to the step's acc tensor (RequantStep takes it in walk order).
/// Program (REQUANTS): u16 steps, u8 N, u8 m; per step: u16 acc tensor, u8 n, indicator factor (Broadcast format,
/// over every axis), word M, word 2^s, word 2^(s−1) (0 for s = 0), u8 limb bits L, u8 remLimbs, u8 eLimbs,
/// u8 uLimbs, u8 ū mode (UC_*), u8 group slots, u16 each (slots of A), word lo, word hi (Fr), u8 range columns,
/// u16 each.
library RequantBatch {
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;
    bytes32 internal constant LABEL_COEFF = "requant.coeff";
    bytes32 internal constant LABEL_BATCH = "requant.batch";
    bytes32 internal constant LABEL_ROUND = "requant.round";
    bytes32 internal constant LABEL_POINT = "requant.point";
    bytes32 internal constant LABEL_EVALS = "requant.evals";
    bytes32 internal constant LABEL_COLUMN = "requant.column";

    /// @notice The derived column ū is not (hi − lo) − u.
    error RequantDerivedBound();
    /// @notice The identity M·acc + 2^(s−1) = 2^s·(lo + u + (p − q)·e) + rem, the flags' zero-check or the arena's
    /// limb claims fail at the sum-check point for some requantization (or the arena point has a zero coordinate).
    error RequantCheckFailed();

    /// @dev ū modes (program byte; `RequantGeometry.ucMode`): u alone proves lo ≤ y ≤ hi (hi − lo + 1 = 2^w), ū is
    /// the derived RANGE column (hi − lo) − u, or ū has nU committed limbs.
    uint256 private constant UC_DERIVED = 1;
    uint256 private constant UC_COMMITTED = 2;

    /// @dev One step's constants (the word offsets below are read in assembly: keep the order).
    struct Params {
        uint256 acc; //           0x00
        uint256 numVars; //       0x20
        uint256 indicatorAt; //   0x40
        uint256 multiplier; //    0x60
        uint256 twoS; //          0x80
        uint256 half; //          0xa0
        uint256 limbBits; //      0xc0
        uint256 nRem; //          0xe0
        uint256 nE; //            0x100
        uint256 nU; //            0x120
        /// UC_NONE (0), UC_DERIVED or UC_COMMITTED.
        uint256 ucMode; //        0x140
        /// Committed ū limbs: nU in UC_COMMITTED mode, else 0.
        uint256 nUc; //           0x160
        /// Committed limb tables: nRem + nE + nU + nUc (the arena's values, and the group's tables after p, q).
        uint256 nLimbs; //        0x180
        /// The group slots of A (k's binary decomposition, the largest first).
        uint256[] groups; //      0x1a0
        uint256 lo; //            0x1c0
        uint256 hi; //            0x1e0
    }

    /// @dev The batch's challenges and running values (a struct: the stack holds too few locals otherwise).
    struct Batch {
        uint256 c;
        uint256 beta;
        /// Word count of the evaluations, and of r_col.
        uint256 total;
        uint256 cols;
        /// κ = num/den after the rounds.
        uint256 num;
        uint256 den;
    }

    /// @notice Runs the batch: every requantization's acc claim goes to its acc tensor, its group slots are opened.
    function run(Machine.State memory m) internal pure {
        Batch memory b;
        uint256 count = Program.u16(m.r);
        uint256 n = Program.u8(m.r);
        b.cols = Program.u8(m.r);
        b.c = ProofStream.challenge(m.s, LABEL_COEFF);
        b.beta = ProofStream.challenge(m.s, LABEL_BATCH);
        uint256[] memory ps;
        uint256 claim;
        (ps, claim, b.total) = _claims(m, count, b.c, b.beta);
        uint256[] memory rho;
        (rho, b.num, b.den) = _zeroCheck(m.s, Machine.arenaPrefix(m, n), claim);
        uint256 at = ProofStream.absorbScalars(m.s, LABEL_EVALS, b.total);
        uint256[] memory ev = new uint256[](b.total);
        assembly ("memory-safe") {
            calldatacopy(add(ev, 32), at, shl(5, mload(add(b, 0x40))))
        }
        if (b.den == 0 || b.num != mulmod(_final(m, ps, rho, ev, b), b.den, R_MODULUS)) revert RequantCheckFailed();
        _handOn(m, ps, rho, ev, b.cols);
    }

    /// @dev Every step's constants (`ps`: the addresses of their Params, {_step}; an array of structs would
    /// allocate and zero every struct first), the batch's claim Σ_i β^i·claim_i and the evaluations' word count.
    function _claims(Machine.State memory m, uint256 count, uint256 c, uint256 beta)
        private
        pure
        returns (uint256[] memory ps, uint256 claim, uint256 total)
    {
        ps = new uint256[](count);
        uint256 w = 1;
        for (uint256 i; i < count; ++i) {
            Params memory p = _params(m.r);
            assembly ("memory-safe") {
                mstore(add(add(ps, 0x20), shl(5, i)), p)
            }
            claim = addmod(claim, mulmod(w, _claim(m, p, c), R_MODULUS), R_MODULUS);
            total += 3 + p.nLimbs;
            w = mulmod(w, beta, R_MODULUS);
        }
    }

    /// @dev Step i's Params (its address, stored by {_claims}).
    function _step(uint256[] memory ps, uint256 i) private pure returns (Params memory p) {
        uint256 at = ps[i];
        assembly ("memory-safe") {
            p := at
        }
    }

    /// @dev Σ_i β^i·F_i(ρ′[0 … n_i)) from the evaluations (each step's run in order).
    function _final(
        Machine.State memory m,
        uint256[] memory ps,
        uint256[] memory rho,
        uint256[] memory ev,
        Batch memory b
    )
        private
        pure
        returns (uint256 g)
    {
        uint256 w = 1;
        uint256 c = b.c;
        uint256 at;
        for (uint256 i; i < ps.length; ++i) {
            Params memory p = _step(ps, i);
            uint256 ind = p.half == 0 ? 0 : Broadcast.factor(Program.Reader(p.indicatorAt, m.r.end), rho);
            uint256 evAt;
            assembly ("memory-safe") {
                evAt := add(add(ev, 0x20), shl(5, at))
            }
            g = addmod(g, mulmod(w, _evalF(p, evAt, c, ind), R_MODULUS), R_MODULUS);
            at += 3 + p.nLimbs;
            w = mulmod(w, b.beta, R_MODULUS);
        }
    }

    /// @dev A step's part of the claim: its RANGE columns' values at ρ_a[0 … n) (a derived ū checked), then
    /// 2^s·lo + [committed: c^5·(hi − lo)] + Σ_k c^(6+k)·a_k.
    function _claim(Machine.State memory m, Params memory p, uint256 c) private pure returns (uint256 claim) {
        uint256 c5 = _pow5(c);
        claim = mulmod(p.twoS, p.lo, R_MODULUS);
        if (p.ucMode == UC_COMMITTED) claim = addmod(claim, mulmod(c5, Mle.sub(p.hi, p.lo), R_MODULUS), R_MODULUS);
        uint256 columns = Program.u8(m.r);
        uint256 w = c5;
        uint256 u;
        for (uint256 k; k < columns; ++k) {
            uint256 v = Machine.arenaColumn(m, Program.u16(m.r), 0).value;
            // The committed limbs' claims (the first nLimbs columns); a derived ū follows u: (hi − lo) − u, which
            // holds on the padding too (u = −lo, ū = hi).
            if (k < p.nLimbs) {
                w = mulmod(w, c, R_MODULUS);
                claim = addmod(claim, mulmod(w, v, R_MODULUS), R_MODULUS);
                if (k == p.nRem + p.nE) u = v;
            } else if (p.ucMode == UC_DERIVED && v != Mle.sub(Mle.sub(p.hi, p.lo), u)) {
                revert RequantDerivedBound();
            }
        }
    }

    /// @dev The zero-check's rounds (two words each: h(0), h₂), κ = num/den from κ_0 = claim: per round
    /// absorb("requant.round", [h(0), h₂]), r = challenge("requant.point"), then
    /// num ← a·den·(h(0) + h₂·r·(r − 1)) + r·(num − h(0)·den), den ← a·den (a = ρ_a's coordinate). Returns ρ′.
    /// The transcript's hashing is inlined (ProofStream.absorbScalars / challenge, same bytes).
    function _zeroCheck(ProofStream.Stream memory s, uint256[] memory rhoA, uint256 claim)
        private
        pure
        returns (uint256[] memory rho, uint256 num, uint256 den)
    {
        rho = new uint256[](rhoA.length);
        uint256 at = ProofStream.take(s, 2 * rhoA.length);
        bytes32 state = s.state;
        // Every word below r, checked on the way.
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
        // A word not below r: named by the rounds' first word (the cold path kept short: code size, EIP-170).
        if (!ok) revert ProofStream.ProofScalarNotCanonical(ProofStream.offsetOf(s, at - (rhoA.length << 6)));
        s.state = state;
    }

    /// @dev c^5.
    function _pow5(uint256 c) private pure returns (uint256) {
        uint256 c2 = mulmod(c, c, R_MODULUS);
        return mulmod(mulmod(c2, c2, R_MODULUS), c, R_MODULUS);
    }

    /// @dev F at ρ′[0 … n) from the step's values at `ev` = [acc, p, q, rem…, e…, u…, ū…] (a memory address;
    /// U = Σ_j 2^(Lj)·u_j, Ū the committed ū limbs' sum or (hi − lo) − U; {_uSums}):
    ///   M·acc + 2^(s−1)·1_real(ρ′) − Σ_i 2^(Li)·rem_i − 2^s·((p − q)·Σ_j 2^(Lj)·e_j + U)
    ///   + c·(p·Ū + c·(q·U + c·((p² − p) + c·(q² − q)))) + [committed: c^5·(U + Ū)] + Σ_i c^(6+i)·ℓ_i.
    /// `ind` = 1_real(ρ′) (0 when s = 0: no 2^(s−1) term).
    function _evalF(Params memory p, uint256 ev, uint256 c, uint256 ind) private pure returns (uint256 f) {
        (uint256 u, uint256 uc, uint256 sub_) = _uSums(p, ev);
        assembly ("memory-safe") {
            let q := R_MODULUS
            let pv := mload(add(ev, 0x20))
            let qv := mload(add(ev, 0x40))
            // Params words: multiplier 0x60, half 0xa0, ucMode 0x140, nLimbs 0x180.
            f := addmod(mulmod(mload(add(p, 0x60)), mload(ev), q), mulmod(mload(add(p, 0xa0)), ind, q), q)
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
            let ptr := add(ev, 0x60)
            for { let end := add(ptr, shl(5, mload(add(p, 0x180)))) } lt(ptr, end) { ptr := add(ptr, 0x20) } {
                w := mulmod(w, c, q)
                f := addmod(f, mulmod(w, mload(ptr), q), q)
            }
        }
    }

    /// @dev U, Ū (the committed ū limbs' sum, or (hi − lo) − U) and what F subtracts from M·acc + 2^(s−1)·1_real:
    /// Σ_i 2^(Li)·rem_i + 2^s·((p − q)·Σ_j 2^(Lj)·e_j + U), from the step's values at `ev`.
    function _uSums(Params memory p, uint256 ev) private pure returns (uint256 u, uint256 uc, uint256 sub_) {
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
            let at := add(ev, 0x60)
            sub_ := limbs(at, mload(add(p, 0xe0)), bits)
            at := add(at, shl(5, mload(add(p, 0xe0))))
            let e := limbs(at, mload(add(p, 0x100)), bits)
            at := add(at, shl(5, mload(add(p, 0x100))))
            u := limbs(at, mload(add(p, 0x120)), bits)
            let q := R_MODULUS
            // + 2^s·((p − q)·e + U) (twoS at 0x80)
            let d := addmod(mulmod(addmod(mload(add(ev, 0x20)), sub(q, mload(add(ev, 0x40))), q), e, q), u, q)
            sub_ := addmod(sub_, mulmod(mload(add(p, 0x80)), d, q), q)
            uc := addmod(addmod(mload(add(p, 0x1e0)), sub(q, mload(add(p, 0x1c0))), q), sub(q, u), q)
            let nU := mload(add(p, 0x120))
            if eq(mload(add(p, 0x140)), UC_COMMITTED) { uc := limbs(add(at, shl(5, nU)), nU, bits) }
        }
    }

    /// @dev r_col = cols × challenge("requant.column"); per step the claim on acc at ρ′[0 … n) (its own copy of the
    /// coordinates: a later step may gather from it) added to its acc tensor, and one record per group slot g at
    /// (ρ′[0 … n) ‖ r_col[0 … m_g)) with value Σ_j eq(r_col[0 … m_g), j)·v_(start_g + j) (m_g = the slot's
    /// variables − n; the groups hold p, q, rem…, e…, u…, ū… in order, 2^(m_g) tables each).
    function _handOn(
        Machine.State memory m,
        uint256[] memory ps,
        uint256[] memory rho,
        uint256[] memory ev,
        uint256 cols
    )
        private
        pure
    {
        uint256[] memory rCol = new uint256[](cols);
        for (uint256 j; j < cols; ++j) rCol[j] = ProofStream.challenge(m.s, LABEL_COLUMN);
        // One point buffer for every record (a record copies its point): ρ′'s prefix, then r_col.
        uint256[] memory point = new uint256[](rho.length + cols);
        uint256 at;
        for (uint256 i; i < ps.length; ++i) {
            Params memory p = _step(ps, i);
            uint256 n = p.numVars;
            ClaimBook.add(m.book, p.acc, ProofStream.Claim(Machine.prefix(rho, n), ev[at]));
            assembly ("memory-safe") {
                mcopy(add(point, 0x20), add(rho, 0x20), shl(5, n))
                mcopy(add(point, add(0x20, shl(5, n))), add(rCol, 0x20), shl(5, cols))
            }
            at = _openGroups(m, p, point, rCol, ev, at + 1);
        }
    }

    /// @dev One record per group slot of step `p` (its values from ev[at …]); `point` holds ρ′[0 … n) ‖ r_col.
    /// Returns the index past the step's values.
    function _openGroups(
        Machine.State memory m,
        Params memory p,
        uint256[] memory point,
        uint256[] memory rCol,
        uint256[] memory ev,
        uint256 at
    ) private pure returns (uint256) {
        for (uint256 g; g < p.groups.length; ++g) {
            uint256 slot = p.groups[g];
            (uint256 vars,) = ClaimBook.entry(m.a, slot);
            uint256[] memory eqCol = Mle.eqTable(rCol, 0, vars - p.numVars);
            uint256 value;
            for (uint256 j; j < eqCol.length; ++j) {
                value = addmod(value, mulmod(eqCol[j], ev[at + j], R_MODULUS), R_MODULUS);
            }
            at += eqCol.length;
            // The record takes (ρ′[0 … n) ‖ r_col[0 … m_g)): the buffer viewed with its first `vars` words.
            assembly ("memory-safe") {
                mstore(point, vars)
            }
            ClaimBook.open(m.book, m.a, slot, point, value);
        }
        return at;
    }

    function _params(Program.Reader memory r) private pure returns (Params memory p) {
        p.acc = Program.u16(r);
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
}
