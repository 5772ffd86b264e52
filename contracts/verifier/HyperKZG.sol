// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {BN254} from "./BN254.sol";
import {Fr} from "./Fr.sol";
import {Transcript} from "./Transcript.sol";
import {Mle} from "./layers/Mle.sol";

/// @title HyperKZG — verifier of a multilinear KZG opening (Gemini folding + a two-witness shplonk check)
/// @notice Replays docs/hyperkzg.md: ℓ + 2 scalar multiplications and ONE 2-pair pairing check.
/// @dev Paper-to-code names: a_j = f_j(β), b_j = f_j(−β), e = f_0(β²), W = [(B − R)/Z], W' = [L/(X − z)].
/// Proof words (calldata), in order: C_1..C_{ℓ−1} (x, y each), a_0, b_0, …, a_{ℓ−1}, b_{ℓ−1}, e, W, W'
/// — 4ℓ + 3 words. `inverseHint` is (β(1 − β)(1 + β))⁻¹, supplied by the caller and checked with one
/// mulmod instead of a modexp; it is not part of the transcript (it is determined by it). A caller without it
/// passes 0 (never a valid hint: the inverse is non-zero) and the verifier computes it with one modexp after β,
/// rather than the caller replaying the transcript up to β to find it.
library HyperKZG {
    bytes32 internal constant LABEL_CLAIM = "hyperkzg.claim";
    bytes32 internal constant LABEL_FOLDS = "hyperkzg.folds";
    bytes32 internal constant LABEL_BETA = "hyperkzg.beta";
    bytes32 internal constant LABEL_EVALS = "hyperkzg.evals";
    bytes32 internal constant LABEL_Q = "hyperkzg.q";
    bytes32 internal constant LABEL_W = "hyperkzg.w";
    bytes32 internal constant LABEL_Z = "hyperkzg.z";
    bytes32 internal constant LABEL_W_PRIME = "hyperkzg.w_prime";

    /// @dev Fr's modulus r, for assembly.
    uint256 private constant FR_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;
    /// @dev BN254's base field modulus p (a G1 point's coordinates are below it).
    uint256 private constant BASE_MODULUS = 0x30644e72e131a029b85045b68181585d97816a916871ca8d3c208c16d87cfd47;
    /// @dev The precompiles of EIP-196/197: ecAdd, ecMul, the pairing check; its input here is two (G1, G2) pairs.
    uint256 private constant EC_ADD = 0x06;
    uint256 private constant EC_MUL = 0x07;
    uint256 private constant PAIRING = 0x08;
    uint256 private constant PAIRING_INPUT_BYTES = 0x180;
    /// @dev {_pairingCheck}'s failure codes: ecMul refused a term's point, ecAdd the running sum, the pairing its input.
    uint256 private constant REFUSED_TERM = 1;
    uint256 private constant REFUSED_SUM = 2;
    uint256 private constant REFUSED_PAIRING = 3;
    /// @dev 1/2 in Fr: (r + 1) / 2.
    uint256 private constant HALF = 0x183227397098d014dc2822db40c0ac2e9419f4243cdcb848a1f0fac9f8000001;

    /// @notice The G2 half of the verifying key, in precompile order (x.c1, x.c0, y.c1, y.c0).
    struct VerifierKey {
        uint256[4] g2;
        uint256[4] tauG2;
    }

    /// @notice The proof does not hold 4ℓ + 3 words.
    error HyperKzgProofSize(uint256 length, uint256 numVars);
    /// @notice β is 0, 1 or −1 (probability 3/r): the Lagrange nodes collapse.
    error HyperKzgDegenerateChallenge();
    /// @notice The supplied inverse is not (β(1 − β)(1 + β))⁻¹.
    error HyperKzgInverseHintWrong();
    /// @notice The fold identities do not end in the claimed value.
    error HyperKzgFoldMismatch();
    /// @notice The final pairing equation does not hold.
    error HyperKzgPairingFailed();

    /// @dev Values carried between the steps (a struct keeps the stack shallow).
    struct Challenges {
        uint256 beta;
        uint256 q;
        uint256 z;
        uint256 rAtZ;
        uint256 zAtZ;
    }

    /// @notice Verifies that the polynomial committed as (cx, cy) evaluates to `value` at `point`.
    /// @param state Transcript state before the opening (the prover's state when it opened).
    /// @param point The evaluation point u (ℓ ≥ 1 coordinates; a 0-variable claim is passed as u = (0)).
    /// @return next Transcript state after the opening.
    function verify(
        bytes32 state,
        uint256 cx,
        uint256 cy,
        uint256[] memory point,
        uint256 value,
        uint256[] calldata proof,
        uint256 inverseHint,
        VerifierKey memory vk
    ) internal view returns (bytes32 next) {
        uint256 l = point.length;
        if (l == 0 || proof.length != 4 * l + 3) revert HyperKzgProofSize(proof.length, l);
        _checkCanonical(point, value);
        uint256 foldWords = 2 * (l - 1);
        uint256 evalsEnd = foldWords + 2 * l + 1;

        Challenges memory ch;
        next = Transcript.absorbPoint(state, LABEL_CLAIM, cx, cy);
        next = Transcript.absorbMemoryWordsAndOne(next, LABEL_CLAIM, point, value);
        next = Transcript.absorbWords(next, LABEL_FOLDS, proof[0:foldWords]);
        (next, ch.beta) = Transcript.challenge(next, LABEL_BETA);
        next = Transcript.absorbScalars(next, LABEL_EVALS, proof[foldWords:evalsEnd]);
        (next, ch.q) = Transcript.challenge(next, LABEL_Q);
        next = Transcript.absorbWords(next, LABEL_W, proof[evalsEnd:evalsEnd + 2]);
        (next, ch.z) = Transcript.challenge(next, LABEL_Z);
        next = Transcript.absorbWords(next, LABEL_W_PRIME, proof[evalsEnd + 2:evalsEnd + 4]);

        (ch.rAtZ, ch.zAtZ) = _combinedAtZ(proof[foldWords:evalsEnd], point, value, ch, inverseHint);
        _pairingCheck(cx, cy, proof, ch, vk);
    }

    /// @dev Reverts with Fr.FieldElementNotCanonical naming the first of `value`, u_0, …, u_{ℓ−1} that is ≥ r (the
    /// order of the Fr.checked calls this replaces: their Solidity loop re-loaded the literal r at each call); r on
    /// the stack.
    function _checkCanonical(uint256[] memory point, uint256 value) private pure {
        uint256 bad = value;
        bool ok;
        assembly ("memory-safe") {
            let r := FR_MODULUS
            ok := lt(value, r)
            if ok {
                for {
                    let p := add(point, 0x20)
                    let end := add(p, shl(5, mload(point)))
                } lt(p, end) { p := add(p, 0x20) } {
                    bad := mload(p)
                    if iszero(lt(bad, r)) {
                        ok := 0
                        break
                    }
                }
            }
        }
        if (!ok) revert Fr.FieldElementNotCanonical(bad);
    }

    /// @dev Checks the fold identities (the last against `value`) and returns R(z), Z(z); see docs/hyperkzg.md.
    function _combinedAtZ(
        uint256[] calldata evals,
        uint256[] memory point,
        uint256 value,
        Challenges memory ch,
        uint256 inverseHint
    ) private view returns (uint256 rAtZ, uint256 zAtZ) {
        uint256[3] memory inverses = _inverses(ch.beta, inverseHint);
        (uint256 bPlus, uint256 bMinus, uint256 bSquare) = _foldSums(evals, point, value, ch, inverses[0]);
        return _lagrangeAtZ(bPlus, bMinus, bSquare, ch, inverses);
    }

    /// @dev [β⁻¹, (1 − β)⁻¹, (1 + β)⁻¹] from the hint (β(1 − β)(1 + β))⁻¹, after checking it with one mulmod;
    /// a hint of 0 is computed here (one modexp).
    function _inverses(uint256 beta, uint256 inverseHint) private view returns (uint256[3] memory inverses) {
        uint256 R = Fr.R;
        if (beta == 0 || beta == 1 || beta == R - 1) revert HyperKzgDegenerateChallenge();
        uint256 oneMinus = addmod(1, R - beta, R);
        uint256 onePlus = addmod(1, beta, R);
        uint256 d = mulmod(mulmod(beta, oneMinus, R), onePlus, R);
        if (inverseHint == 0) inverseHint = Mle.inverse(d);
        if (mulmod(d, inverseHint, R) != 1) revert HyperKzgInverseHintWrong();
        inverses[0] = mulmod(inverseHint, mulmod(oneMinus, onePlus, R), R);
        inverses[1] = mulmod(inverseHint, mulmod(beta, onePlus, R), R);
        inverses[2] = mulmod(inverseHint, mulmod(beta, oneMinus, R), R);
    }

    /// @dev B at the nodes, checking every fold identity on the way:
    ///   fold_j = (1 − u_j)(a_j + b_j)/2 + u_j (a_j − b_j)/(2β)   (= f_{j+1}(β²); the last must equal v)
    ///   B(β) = Σ q^j a_j,  B(−β) = Σ q^j b_j,  B(β²) = e + Σ_{j≥1} q^j fold_{j−1}
    /// One assembly loop with r on the stack (a literal modulus is re-loaded with a CODECOPY at each use);
    /// evaluations and u are canonical (checked by the caller), so addmod/mulmod chains are exact.
    function _foldSums(
        uint256[] calldata evals,
        uint256[] memory point,
        uint256 value,
        Challenges memory ch,
        uint256 betaInv
    ) private pure returns (uint256 bPlus, uint256 bMinus, uint256 bSquare) {
        uint256 last = point.length - 1;
        uint256 fold;
        assembly ("memory-safe") {
            let r := FR_MODULUS
            let halfBetaInv := mulmod(HALF, betaInv, r)
            let q := mload(add(ch, 0x20))
            let src := evals.offset
            bSquare := calldataload(add(src, shl(5, add(shl(1, last), 2))))
            let qj := 1
            let u := add(point, 0x20)
            for { let j := 0 } 1 { j := add(j, 1) } {
                let aj := calldataload(src)
                let bj := calldataload(add(src, 0x20))
                bPlus := addmod(bPlus, mulmod(qj, aj, r), r)
                bMinus := addmod(bMinus, mulmod(qj, bj, r), r)
                // fold = even + u·(odd − even), even = (a + b)/2, odd = (a − b)/(2β)
                let even := mulmod(addmod(aj, bj, r), HALF, r)
                let odd := mulmod(addmod(aj, sub(r, bj), r), halfBetaInv, r)
                fold := addmod(even, mulmod(mload(add(u, shl(5, j))), addmod(odd, sub(r, even), r), r), r)
                qj := mulmod(qj, q, r)
                if eq(j, last) { break }
                bSquare := addmod(bSquare, mulmod(qj, fold, r), r)
                src := add(src, 0x40)
            }
        }
        if (fold != value) revert HyperKzgFoldMismatch();
    }

    /// @dev R(z) by Lagrange over the nodes (β, −β, β²), and Z(z) = (z − β)(z + β)(z − β²).
    function _lagrangeAtZ(
        uint256 bPlus,
        uint256 bMinus,
        uint256 bSquare,
        Challenges memory ch,
        uint256[3] memory inverses
    ) private pure returns (uint256 rAtZ, uint256 zAtZ) {
        uint256 R = Fr.R;
        uint256 zMinus = addmod(ch.z, R - ch.beta, R);
        uint256 zPlus = addmod(ch.z, ch.beta, R);
        uint256 zSq = addmod(ch.z, R - mulmod(ch.beta, ch.beta, R), R);
        uint256 betaInv2 = mulmod(inverses[0], inverses[0], R);
        // l0 = (z+β)(z−β²) / (2β²(1−β)),  l1 = (z−β)(z−β²) / (2β²(1+β)),  l2 = −(z−β)(z+β) / (β²(1−β)(1+β))
        uint256 halfBetaInv2 = mulmod(HALF, betaInv2, R);
        rAtZ = mulmod(bPlus, mulmod(mulmod(mulmod(zPlus, zSq, R), halfBetaInv2, R), inverses[1], R), R);
        rAtZ = addmod(rAtZ, mulmod(bMinus, mulmod(mulmod(mulmod(zMinus, zSq, R), halfBetaInv2, R), inverses[2], R), R), R);
        zAtZ = mulmod(zMinus, zPlus, R);
        uint256 l2 = Fr.neg(mulmod(mulmod(zAtZ, betaInv2, R), mulmod(inverses[1], inverses[2], R), R));
        rAtZ = addmod(rAtZ, mulmod(bSquare, l2, R), R);
        zAtZ = mulmod(zAtZ, zSq, R);
    }

    /// @dev e(C + Σ_{j≥1} q^j C_j − R(z)·G1 − Z(z)·W + z·W', G2) · e(−W', τ·G2) == 1.
    /// One assembly block over scratch memory at the free pointer (not advanced): [P.x, P.y, B.x, B.y, s], each
    /// term ecMul(B, s) written over B and ecAdd(P, s·B) over P, then the pairing input (P, G2, −W', τ·G2) laid
    /// out from P on — no Solidity call, calldata bounds check or allocation per term. A refused point is named as
    /// {BN254.mulAdd} names it: the term's point when ecMul refuses it, the running sum when ecAdd does.
    function _pairingCheck(
        uint256 cx,
        uint256 cy,
        uint256[] calldata proof,
        Challenges memory ch,
        VerifierKey memory vk
    ) private view {
        // Layout: 2(ℓ−1) fold words, 2ℓ + 1 evaluations, then W and W' (4 words): proof.length = 4ℓ + 3.
        uint256 foldWords = (proof.length - 7) / 2;
        uint256 evalsEnd = proof.length - 4;
        // 0: every call succeeded; REFUSED_TERM / REFUSED_SUM: the point (bx, by) was refused; REFUSED_PAIRING.
        uint256 failed;
        uint256 bx;
        uint256 by;
        uint256 holds;
        assembly ("memory-safe") {
            // P += s·B with B at ptr + 0x40; the code of the failure (the refused point still in place).
            function mulAdd(ptr, s) -> bad {
                mstore(add(ptr, 0x80), s)
                if iszero(staticcall(gas(), EC_MUL, add(ptr, 0x40), 0x60, add(ptr, 0x40), 0x40)) {
                    bad := REFUSED_TERM
                    leave
                }
                if iszero(staticcall(gas(), EC_ADD, ptr, 0x80, ptr, 0x40)) { bad := REFUSED_SUM }
            }
            let r := FR_MODULUS
            let ptr := mload(0x40)
            mstore(ptr, cx)
            mstore(add(ptr, 0x20), cy)
            let q := mload(add(ch, 0x20))
            let qj := 1
            for {
                let src := proof.offset
                let end := add(src, shl(5, foldWords))
            } lt(src, end) { src := add(src, 0x40) } {
                qj := mulmod(qj, q, r)
                calldatacopy(add(ptr, 0x40), src, 0x40)
                failed := mulAdd(ptr, qj)
                if failed { break }
            }
            let w := add(proof.offset, shl(5, evalsEnd))
            if iszero(failed) {
                // −R(z)·G1, G1 = (1, 2); the negations mod r of canonical scalars.
                mstore(add(ptr, 0x40), 1)
                mstore(add(ptr, 0x60), 2)
                failed := mulAdd(ptr, mod(sub(r, mload(add(ch, 0x60))), r))
            }
            if iszero(failed) {
                calldatacopy(add(ptr, 0x40), w, 0x40)
                failed := mulAdd(ptr, mod(sub(r, mload(add(ch, 0x80))), r))
            }
            if iszero(failed) {
                calldatacopy(add(ptr, 0x40), add(w, 0x40), 0x40)
                failed := mulAdd(ptr, mload(add(ch, 0x40)))
            }
            switch failed
            case 0 {
                // (P, G2, −W', τ·G2): W' passed ecMul above, so its coordinates are < p and −W' = (x, p − y),
                // or (0, 0) for the point at infinity.
                mcopy(add(ptr, 0x40), mload(vk), 0x80)
                let wx := calldataload(add(w, 0x40))
                let wy := calldataload(add(w, 0x60))
                if or(wx, wy) { wy := sub(BASE_MODULUS, wy) }
                mstore(add(ptr, 0xc0), wx)
                mstore(add(ptr, 0xe0), wy)
                mcopy(add(ptr, 0x100), mload(add(vk, 0x20)), 0x80)
                if iszero(staticcall(gas(), PAIRING, ptr, PAIRING_INPUT_BYTES, 0x00, 0x20)) { failed := REFUSED_PAIRING }
                holds := mload(0x00)
            }
            case 1 {
                // REFUSED_TERM: the term's point, still in place.
                bx := mload(add(ptr, 0x40))
                by := mload(add(ptr, 0x60))
            }
            default {
                // REFUSED_SUM: the running sum.
                bx := mload(ptr)
                by := mload(add(ptr, 0x20))
            }
        }
        if (failed == REFUSED_PAIRING) revert BN254.PairingInputInvalid();
        if (failed != 0) revert BN254.G1PointInvalid(bx, by);
        if (holds != 1) revert HyperKzgPairingFailed();
    }
}
