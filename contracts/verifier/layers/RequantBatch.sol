// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./ProofStream.sol";
import {Program} from "./Program.sol";
import {Broadcast} from "./Broadcast.sol";
import {ClaimBook} from "./ClaimBook.sol";
import {Machine} from "./Machine.sol";

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
/// Program (REQUANTS): u16 steps, u8 N, u8 m; per step one block read in place by offset (never decoded into
/// memory): word M, word 2^s, word 2^(s−1) (0 for s = 0), word hi − lo, word 2^s·lo (Fr; the last two precomputed
/// by the compiler), then u16 acc tensor, u8 n, u8 limb bits L, u8 remLimbs, u8 eLimbs, u8 uLimbs, u8 ū mode (UC_*),
/// u8 committed limb tables (remLimbs + eLimbs + uLimbs + committed ū limbs), u8 group slots, u8 range columns; the
/// group slots (of A) and the range columns, u16 each; the indicator factor (Broadcast format, over every axis).
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

    /// @dev A step's block (the program bytes at its address p): byte offsets of its words, of its header bytes
    /// (read as one word: byte k of mload(p + H_BYTES)) and the header's size; the group slots follow it, then the
    /// range columns, then the indicator.
    uint256 private constant H_MULTIPLIER = 0x00;
    uint256 private constant H_TWO_S = 0x20;
    uint256 private constant H_HALF = 0x40;
    uint256 private constant H_RANGE = 0x60;
    uint256 private constant H_TWO_S_LO = 0x80;
    uint256 private constant H_BYTES = 0xa0;
    uint256 private constant HEADER = 0xab;
    /// @dev Header bytes (the acc tensor is the word's top 16 bits).
    uint256 private constant B_N = 2;
    uint256 private constant B_BITS = 3;
    uint256 private constant B_REM = 4;
    uint256 private constant B_E = 5;
    uint256 private constant B_U = 6;
    uint256 private constant B_MODE = 7;
    uint256 private constant B_LIMBS = 8;
    uint256 private constant B_GROUPS = 9;
    uint256 private constant B_COLUMNS = 10;
    /// @dev Machine.State's arena arrays, read at their offsets (Machine.sol keeps the fields up to `prefixes` in
    /// place): columnValues, columnVars, columnOffset.
    uint256 private constant M_COLUMN_VALUES = 0xe0;
    uint256 private constant M_COLUMN_VARS = 0x100;
    uint256 private constant M_COLUMN_OFFSET = 0x120;
    /// @dev {_claim}'s flag for a wrong derived ū (above any 1 + column index).
    uint256 private constant DERIVED_BAD = 1 << 255;

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
        // The steps' block addresses in the program.
        uint256[] memory steps = new uint256[](count);
        uint256 claim = _claims(m, steps, b);
        uint256[] memory rho;
        (rho, b.num, b.den) = _zeroCheck(m.s, Machine.arenaPrefix(m, n), claim);
        // The evaluations are read where they lie in calldata (canonical: absorbScalars checks every word).
        uint256 at = ProofStream.absorbScalars(m.s, LABEL_EVALS, b.total);
        uint256 g = _handOn(m, steps, rho, at, b);
        if (b.den == 0 || b.num != mulmod(g, b.den, R_MODULUS)) revert RequantCheckFailed();
    }

    /// @dev Every step's block (its address into `steps`), the batch's claim Σ_i β^i·claim_i and (into b.total) the
    /// evaluations' word count.
    function _claims(Machine.State memory m, uint256[] memory steps, Batch memory b)
        private
        pure
        returns (uint256 claim)
    {
        uint256 w = 1;
        uint256 total;
        uint256 c5 = _pow5(b.c);
        for (uint256 i; i < steps.length; ++i) {
            uint256 p = Program.skip(m.r, HEADER);
            uint256 h;
            uint256 lists;
            assembly ("memory-safe") {
                h := mload(add(p, H_BYTES))
                lists := shl(1, add(byte(B_GROUPS, h), byte(B_COLUMNS, h)))
                mstore(add(add(steps, 0x20), shl(5, i)), p)
            }
            Program.skip(m.r, lists);
            // The indicator: u8 axes, 6 bytes each (evaluated in {_handOn}).
            Program.skip(m.r, 6 * Program.u8(m.r));
            claim = addmod(claim, mulmod(w, _claim(m, p, h, b.c, c5), R_MODULUS), R_MODULUS);
            total += 3 + ((h >> (8 * (31 - B_LIMBS))) & 0xff);
            w = mulmod(w, b.beta, R_MODULUS);
        }
        b.total = total;
    }

    /// @dev A step's part of the claim: its RANGE columns' values at ρ_a[0 … n) (the arena's values, read in place;
    /// a derived ū checked), then 2^s·lo + [committed: c^5·(hi − lo)] + Σ_k c^(6+k)·a_k.
    function _claim(Machine.State memory m, uint256 p, uint256 h, uint256 c, uint256 c5)
        private
        pure
        returns (uint256 claim)
    {
        // 0: fine; DERIVED_BAD: a derived ū is wrong; else 1 + the missing arena column.
        uint256 bad;
        assembly ("memory-safe") {
            claim := mload(add(p, H_TWO_S_LO))
            if eq(byte(B_MODE, h), UC_COMMITTED) {
                claim := addmod(claim, mulmod(c5, mload(add(p, H_RANGE)), R_MODULUS), R_MODULUS)
            }
            let col := add(add(p, HEADER), shl(1, byte(B_GROUPS, h)))
            let w := c5
            let u := 0
            // The first nLimbs columns are the committed limbs' (u's first at remLimbs + eLimbs); a derived ū
            // follows them.
            for { let k := 0 } lt(k, byte(B_COLUMNS, h)) { k := add(k, 1) } {
                let i := shr(240, mload(add(col, shl(1, k))))
                if iszero(lt(i, mload(mload(add(m, M_COLUMN_VARS))))) {
                    bad := add(i, 1)
                    break
                }
                // The column's component 0 (a value past the array: Panic 0x32, as an index out of bounds).
                let o := mload(add(mload(add(m, M_COLUMN_OFFSET)), shl(5, add(i, 1))))
                let v := mload(add(m, M_COLUMN_VALUES))
                if iszero(lt(o, mload(v))) {
                    mstore(0, shl(224, 0x4e487b71))
                    mstore(4, 0x32)
                    revert(0, 0x24)
                }
                v := mload(add(v, shl(5, add(o, 1))))
                switch lt(k, byte(B_LIMBS, h))
                case 1 {
                    w := mulmod(w, c, R_MODULUS)
                    claim := addmod(claim, mulmod(w, v, R_MODULUS), R_MODULUS)
                    if eq(k, add(byte(B_REM, h), byte(B_E, h))) { u := v }
                }
                default {
                    // (hi − lo) − u, which holds on the padding too (u = −lo, ū = hi).
                    if and(
                        eq(byte(B_MODE, h), UC_DERIVED),
                        iszero(eq(v, addmod(mload(add(p, H_RANGE)), sub(R_MODULUS, u), R_MODULUS)))
                    ) { bad := DERIVED_BAD }
                }
            }
        }
        if (bad == DERIVED_BAD) revert RequantDerivedBound();
        if (bad != 0) revert Machine.ArenaColumnMissing(bad - 1);
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

    /// @dev r_col = cols × challenge("requant.column"); per step, in one pass: β^i·F_i(ρ′[0 … n_i)) added to the
    /// returned sum, the claim on acc at ρ′[0 … n) (its own copy of the coordinates: a later step may gather from
    /// it) added to its acc tensor, and one record per group slot ({_openGroups}). `at`: the evaluations' calldata
    /// offset, each step's [acc, p, q, rem…, e…, u…, ū…] in order.
    function _handOn(
        Machine.State memory m,
        uint256[] memory steps,
        uint256[] memory rho,
        uint256 at,
        Batch memory b
    )
        private
        pure
        returns (uint256 g)
    {
        uint256[] memory rCol = new uint256[](b.cols);
        for (uint256 j; j < rCol.length; ++j) rCol[j] = ProofStream.challenge(m.s, LABEL_COLUMN);
        // One point buffer for every record (a record copies its point): ρ′'s prefix, then r_col.
        uint256[] memory point = new uint256[](rho.length + rCol.length);
        uint256 w = 1;
        for (uint256 i; i < steps.length; ++i) {
            uint256 f;
            (f, at) = _step(m, steps[i], rho, point, rCol, at, b.c);
            g = addmod(g, mulmod(w, f, R_MODULUS), R_MODULUS);
            w = mulmod(w, b.beta, R_MODULUS);
        }
    }

    /// @dev The step at `p` ({_handOn}): F at ρ′[0 … n), its acc claim, its group records. Returns F and the
    /// evaluations' offset past the step's.
    function _step(
        Machine.State memory m,
        uint256 p,
        uint256[] memory rho,
        uint256[] memory point,
        uint256[] memory rCol,
        uint256 at,
        uint256 c
    ) private pure returns (uint256 f, uint256) {
        uint256 h;
        assembly ("memory-safe") {
            h := mload(add(p, H_BYTES))
        }
        f = addmod(_evalF(p, h, at, c), _halfTerm(m, p, h, rho), R_MODULUS);
        _accClaim(m, h, rho, point, rCol, at);
        return (f, _openGroups(m, p, h, point, rCol, at + 0x20));
    }

    /// @dev The step's claim on acc (its value the evaluation at `at`) at ρ′[0 … n), added to its acc tensor; the
    /// point buffer set to ρ′[0 … n) ‖ r_col.
    function _accClaim(
        Machine.State memory m,
        uint256 h,
        uint256[] memory rho,
        uint256[] memory point,
        uint256[] memory rCol,
        uint256 at
    ) private pure {
        uint256 n = (h >> (8 * (31 - B_N))) & 0xff;
        ClaimBook.add(m.book, h >> 240, ProofStream.Claim(Machine.prefix(rho, n), ProofStream.word(at, 0)));
        assembly ("memory-safe") {
            mcopy(add(point, 0x20), add(rho, 0x20), shl(5, n))
            mcopy(add(point, add(0x20, shl(5, n))), add(rCol, 0x20), shl(5, mload(rCol)))
        }
    }

    /// @dev F's term 2^(s−1)·1_real(ρ′) of the step at `p` (its indicator after the slot and column lists; none
    /// when s = 0).
    function _halfTerm(Machine.State memory m, uint256 p, uint256 h, uint256[] memory rho)
        private
        pure
        returns (uint256)
    {
        uint256 half;
        uint256 at;
        assembly ("memory-safe") {
            half := mload(add(p, H_HALF))
            at := add(add(p, HEADER), shl(1, add(byte(B_GROUPS, h), byte(B_COLUMNS, h))))
        }
        return half == 0 ? 0 : mulmod(half, Broadcast.factor(Program.Reader(at, m.r.end), rho), R_MODULUS);
    }

    /// @dev One record per group slot of the step at `p` (its values at calldata offset `at`, 2^(m_g) per slot:
    /// m_g = the slot's variables − n); `point` holds ρ′[0 … n) ‖ r_col. A slot's value Σ_j eq(r_col[0 … m_g), j)·v_j
    /// is the values' multilinear extension at r_col[0 … m_g) ({_fold}). Returns the offset past the step's values.
    function _openGroups(
        Machine.State memory m,
        uint256 p,
        uint256 h,
        uint256[] memory point,
        uint256[] memory rCol,
        uint256 at
    ) private pure returns (uint256) {
        uint256 n = (h >> (8 * (31 - B_N))) & 0xff;
        uint256 groups = (h >> (8 * (31 - B_GROUPS))) & 0xff;
        for (uint256 g; g < groups; ++g) {
            uint256 slot;
            assembly ("memory-safe") {
                slot := shr(240, mload(add(add(p, HEADER), shl(1, g))))
            }
            (uint256 vars,) = ClaimBook.entry(m.a, slot);
            uint256 mg = vars - n;
            uint256 value = _fold(at, mg, rCol);
            at += 32 << mg;
            // The record takes (ρ′[0 … n) ‖ r_col[0 … m_g)): the buffer viewed with its first `vars` words.
            assembly ("memory-safe") {
                mstore(point, vars)
            }
            ClaimBook.open(m.book, m.a, slot, point, value);
        }
        return at;
    }

    /// @dev The multilinear extension of the 2^k words at calldata offset `at` (variable j = bit j of the index) at
    /// r_col[0 … k): folded one variable at a time, v'_i = v_(2i) + r_j·(v_(2i+1) − v_(2i)), the first fold read from
    /// calldata into scratch memory past the free memory pointer (never allocated: nothing is allocated before the
    /// value is used), the others in place. k ≤ |r_col| (else Panic 0x32, as an index out of bounds).
    function _fold(uint256 at, uint256 k, uint256[] memory rCol) private pure returns (uint256 v) {
        assembly ("memory-safe") {
            let q := R_MODULUS
            if gt(k, mload(rCol)) {
                mstore(0, shl(224, 0x4e487b71))
                mstore(4, 0x32)
                revert(0, 0x24)
            }
            switch k
            case 0 { v := calldataload(at) }
            default {
                let buf := mload(0x40)
                let r := mload(add(rCol, 0x20))
                let half := shl(add(k, 4), 1)
                // First fold: 2^(k−1) pairs from calldata (half: the bytes it writes).
                for { let o := 0 } lt(o, half) { o := add(o, 0x20) } {
                    let lo := calldataload(add(at, shl(1, o)))
                    mstore(add(buf, o), addmod(lo, mulmod(r, addmod(calldataload(add(at, add(shl(1, o), 0x20))), sub(q, lo), q), q), q))
                }
                for { let j := 1 } lt(j, k) { j := add(j, 1) } {
                    r := mload(add(rCol, shl(5, add(j, 1))))
                    half := shr(1, half)
                    for { let o := 0 } lt(o, half) { o := add(o, 0x20) } {
                        let lo := mload(add(buf, shl(1, o)))
                        mstore(add(buf, o), addmod(lo, mulmod(r, addmod(mload(add(buf, add(shl(1, o), 0x20))), sub(q, lo), q), q), q))
                    }
                }
                v := mload(buf)
            }
        }
    }

    /// @dev F at ρ′[0 … n) but its 2^(s−1) term, from the step's values at calldata offset `ev` = [acc, p, q, rem…, e…, u…, ū…]
    /// (U = Σ_j 2^(Lj)·u_j, Ū the committed ū limbs' sum or (hi − lo) − U; {_uSums}):
    ///   M·acc + 2^(s−1)·1_real(ρ′) − Σ_i 2^(Li)·rem_i − 2^s·((p − q)·Σ_j 2^(Lj)·e_j + U)
    ///   + c·(p·Ū + c·(q·U + c·((p² − p) + c·(q² − q)))) + [committed: c^5·(U + Ū)] + Σ_i c^(6+i)·ℓ_i.
    /// The term 2^(s−1)·1_real(ρ′) is left to the caller ({_halfTerm}).
    function _evalF(uint256 p, uint256 h, uint256 ev, uint256 c) private pure returns (uint256 f) {
        (uint256 u, uint256 uc, uint256 sub_) = _uSums(p, h, ev);
        f = _limbClaims(h, ev, c);
        assembly ("memory-safe") {
            let q := R_MODULUS
            let pv := calldataload(add(ev, 0x20))
            let qv := calldataload(add(ev, 0x40))
            f := addmod(f, mulmod(mload(add(p, H_MULTIPLIER)), calldataload(ev), q), q)
            f := addmod(f, sub(q, sub_), q)
            // The flags, Horner in c from the last term.
            let t := addmod(mulmod(qv, qv, q), sub(q, qv), q)
            t := addmod(mulmod(t, c, q), addmod(mulmod(pv, pv, q), sub(q, pv), q), q)
            t := addmod(mulmod(t, c, q), mulmod(qv, u, q), q)
            t := addmod(mulmod(t, c, q), mulmod(pv, uc, q), q)
            f := addmod(f, mulmod(t, c, q), q)
            if eq(byte(B_MODE, h), UC_COMMITTED) {
                t := mulmod(c, c, q)
                f := addmod(f, mulmod(mulmod(mulmod(t, t, q), c, q), addmod(u, uc, q), q), q)
            }
        }
    }

    /// @dev The limb claims' part of F: Σ_i c^(6+i)·ℓ_i over the step's committed limb values at calldata ev[3 …].
    function _limbClaims(uint256 h, uint256 ev, uint256 c) private pure returns (uint256 f) {
        assembly ("memory-safe") {
            let q := R_MODULUS
            let w := mulmod(c, c, q)
            w := mulmod(mulmod(w, w, q), c, q)
            let ptr := add(ev, 0x60)
            for { let end := add(ptr, shl(5, byte(B_LIMBS, h))) } lt(ptr, end) { ptr := add(ptr, 0x20) } {
                w := mulmod(w, c, q)
                f := addmod(f, mulmod(w, calldataload(ptr), q), q)
            }
        }
    }

    /// @dev U, Ū (the committed ū limbs' sum, or (hi − lo) − U) and what F subtracts from M·acc + 2^(s−1)·1_real:
    /// Σ_i 2^(Li)·rem_i + 2^s·((p − q)·Σ_j 2^(Lj)·e_j + U), from the step's values at calldata offset `ev`.
    function _uSums(uint256 p, uint256 h, uint256 ev) private pure returns (uint256 u, uint256 uc, uint256 sub_) {
        assembly ("memory-safe") {
            // Σ_j 2^(bits·j)·(word j of the run at ptr).
            function limbs(ptr, count, bits) -> s {
                let q := R_MODULUS
                let w := 1
                for { let end := add(ptr, shl(5, count)) } lt(ptr, end) { ptr := add(ptr, 0x20) } {
                    s := addmod(s, mulmod(w, calldataload(ptr), q), q)
                    w := shl(bits, w)
                }
            }
            let bits := byte(B_BITS, h)
            let nRem := byte(B_REM, h)
            let nE := byte(B_E, h)
            let nU := byte(B_U, h)
            let at := add(ev, 0x60)
            sub_ := limbs(at, nRem, bits)
            at := add(at, shl(5, nRem))
            let e := limbs(at, nE, bits)
            at := add(at, shl(5, nE))
            u := limbs(at, nU, bits)
            let q := R_MODULUS
            // + 2^s·((p − q)·e + U)
            let d := addmod(mulmod(addmod(calldataload(add(ev, 0x20)), sub(q, calldataload(add(ev, 0x40))), q), e, q), u, q)
            sub_ := addmod(sub_, mulmod(mload(add(p, H_TWO_S)), d, q), q)
            uc := addmod(mload(add(p, H_RANGE)), sub(q, u), q)
            if eq(byte(B_MODE, h), UC_COMMITTED) { uc := limbs(add(at, shl(5, nU)), nU, bits) }
        }
    }
}
