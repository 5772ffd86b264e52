// SPDX-License-Identifier: MIT
pragma solidity ^0.8.28;

import {ERC20} from "@openzeppelin/contracts/token/ERC20/ERC20.sol";
import {ERC20Burnable} from "@openzeppelin/contracts/token/ERC20/extensions/ERC20Burnable.sol";

/// @title ReentrantToken
/// @notice Attack harness: an ERC-20 whose transfer hook calls back into a target (as an ERC-777-style hook or
/// a malicious token would), to prove that staking's external calls cannot be re-entered.
/// @dev Once armed, the next balance update makes one call to `target` with `payload` and bubbles its revert
/// data, so the outer transaction fails with the callee's error.
contract ReentrantToken is ERC20, ERC20Burnable {
    address private _target;
    bytes private _payload;

    constructor() ERC20("Reentrant", "RE") {
        _mint(msg.sender, 1e30);
    }

    /// @notice Makes the next transfer call `target` with `payload` from inside the token.
    function arm(address target, bytes calldata payload) external {
        _target = target;
        _payload = payload;
    }

    function _update(address from, address to, uint256 value) internal override {
        super._update(from, to, value);
        address target = _target;
        if (target == address(0)) return;
        _target = address(0);
        // solhint-disable-next-line avoid-low-level-calls
        (bool ok, bytes memory data) = target.call(_payload);
        if (!ok) {
            assembly ("memory-safe") {
                revert(add(data, 32), mload(data))
            }
        }
    }
}
