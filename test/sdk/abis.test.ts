import { expect } from "chai";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { SDK_CONTRACTS, readArtifactAbi, renderAbiModule, type SdkContractName } from "../../scripts/generate-sdk-abis";

describe("sdk: generated ABIs", () => {
  for (const name of Object.keys(SDK_CONTRACTS) as SdkContractName[]) {
    it(`src/sdk/abis/${name}.ts matches the compiled artifact (else run scripts/generate-sdk-abis.ts)`, () => {
      const committed = readFileSync(join(__dirname, "..", "..", "src", "sdk", "abis", `${name}.ts`), "utf8");
      expect(committed).to.equal(renderAbiModule(name, readArtifactAbi(name)));
    });
  }
});
