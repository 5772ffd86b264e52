// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ProofStream} from "./ProofStream.sol";
import {Program} from "./Program.sol";
import {ClaimList} from "./ClaimList.sol";
import {Mle} from "./Mle.sol";

/// @title EmbeddingStep — the token embedding of a runtime Gather (handler `embedding`)
/// @notice Twin of the walk of src/prover/graph/nodes/gather-embedding.ts; spec in docs/gguf.md ("LLM layers:
/// token embedding"). No messages: the arena's claim on the lookup column at ρ = (ρ_d ‖ ρ_t) gives y~(ρ) and
/// key~(ρ) = 2^n_d·tok~(ρ_t) + Σ_j 2^j·ρ_d,j + 2^(n_v + n_d)·(1 − 1_real(ρ_t)), solved for tok~(ρ_t).
/// Claims in: the arena's claims on the column (key, y), then every claim on the output y.
/// Claims out (the walk's order): y at ρ, every claim on y, the indices at ρ_t.
/// Program: u8 n_d (variables of the D axis), u32 T, word 2^(−n_d), word 2^(n_v + n_d).
library EmbeddingStep {
    uint256 private constant R_MODULUS = 0x30644e72e131a029b85045b68181585d2833e84879b9709143e1f593f0000001;
    /// @dev The lookup column's two components.
    uint256 private constant ARENA_CLAIMS = 2;

    /// @notice The register does not start with the lookup column's two claims (a generator bug).
    error EmbeddingClaims(uint256 count);

    /// @notice Runs the walk; returns the claims it hands on.
    function run(Program.Reader memory r, ProofStream.Claim[] memory input)
        internal
        pure
        returns (ProofStream.Claim[] memory)
    {
        if (input.length < ARENA_CLAIMS) revert EmbeddingClaims(input.length);
        uint256 dVars = Program.u8(r);
        uint256 rows = Program.u32(r);
        uint256 strideInverse = Program.word(r);
        uint256 padKey = Program.word(r);
        uint256[] memory rho = input[0].point;
        if (rho.length < dVars) revert EmbeddingClaims(input.length);
        ClaimList.List memory out = ClaimList.create(input.length);
        ClaimList.push(out, rho, input[1].value);
        for (uint256 i = ARENA_CLAIMS; i < input.length; ++i) ClaimList.push(out, input[i].point, input[i].value);
        ClaimList.push(out, _rowPart(rho, dVars), _token(rho, dVars, rows, input[0].value, padKey, strideInverse));
        return ClaimList.done(out);
    }

    /// @dev ρ_t: the coordinates above the D axis' `dVars`.
    function _rowPart(uint256[] memory rho, uint256 dVars) private pure returns (uint256[] memory rhoT) {
        rhoT = new uint256[](rho.length - dVars);
        for (uint256 j; j < rhoT.length; ++j) rhoT[j] = rho[dVars + j];
    }

    /// @dev tok~(ρ_t) = (key~(ρ) − Σ_j 2^j·ρ_d,j − 2^(n_v + n_d)·(1 − 1_real(ρ_t)))·2^(−n_d).
    function _token(
        uint256[] memory rho,
        uint256 dVars,
        uint256 rows,
        uint256 key,
        uint256 padKey,
        uint256 strideInverse
    )
        private
        pure
        returns (uint256)
    {
        uint256 dIndex;
        for (uint256 j; j < dVars; ++j) dIndex = addmod(dIndex, mulmod(rho[j], 1 << j, R_MODULUS), R_MODULUS);
        uint256 realRow = Mle.prefixIndicator(rows, rho, dVars, rho.length - dVars);
        uint256 pad = mulmod(padKey, Mle.sub(1, realRow), R_MODULUS);
        return mulmod(Mle.sub(Mle.sub(key, dIndex), pad), strideInverse, R_MODULUS);
    }
}
