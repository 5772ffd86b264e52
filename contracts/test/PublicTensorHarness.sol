// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {PublicTensor} from "../verifier/layers/PublicTensor.sol";
import {Mle} from "../verifier/layers/Mle.sol";

/// @title PublicTensorHarness — PublicTensor's evaluation and range check on calldata bytes, and the eq table it
/// builds on, for the tests
contract PublicTensorHarness {
    /// @notice Mle.eqTable(point, offset, n).
    function eqTable(uint256[] memory point, uint256 offset, uint256 n) external pure returns (uint256[] memory) {
        return Mle.eqTable(point, offset, n);
    }

    /// @notice The MLE at `point` of the int32 big-endian tensor of `shape` at byte `offset` of `data`.
    function evaluate(bytes calldata data, uint256 offset, uint256[] memory shape, uint256[] memory point)
        external
        pure
        returns (uint256)
    {
        uint256 at;
        assembly ("memory-safe") {
            at := add(data.offset, offset)
        }
        return PublicTensor.evaluate(at, shape, point);
    }

    /// @notice PublicTensor.firstOutOfRange on `count` values at byte `offset` of `data`.
    function firstOutOfRange(bytes calldata data, uint256 offset, uint256 count, int256 lo, int256 hi)
        external
        pure
        returns (uint256)
    {
        uint256 at;
        assembly ("memory-safe") {
            at := add(data.offset, offset)
        }
        return PublicTensor.firstOutOfRange(at, count, lo, hi);
    }
}
