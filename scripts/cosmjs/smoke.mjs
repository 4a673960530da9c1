// CosmJS smoke test against a running Carechain node (make localnet).
//   cd scripts/cosmjs && npm install && npm run smoke
// Environment: RPC (default http://127.0.0.1:26657), MNEMONIC (default: the
// localnet's alice, read from ../../.localnet/network.json), TO (default bob).
import { readFileSync } from "node:fs";
import { DirectSecp256k1HdWallet } from "@cosmjs/proto-signing";
import { SigningStargateClient, GasPrice, StargateClient } from "@cosmjs/stargate";

const rpc = process.env.RPC ?? "http://127.0.0.1:26657";
const network = JSON.parse(readFileSync(new URL("../../.localnet/network.json", import.meta.url)));
const account = (name) => network.accounts.find((a) => a.name === name);
const mnemonic = process.env.MNEMONIC ?? account("alice").mnemonic;
const to = process.env.TO ?? account("bob").address;

const wallet = await DirectSecp256k1HdWallet.fromMnemonic(mnemonic, { prefix: "care" });
const [{ address: from }] = await wallet.getAccounts();

const reader = await StargateClient.connect(rpc);
console.log("chain-id", await reader.getChainId(), "height", await reader.getHeight());
const before = await reader.getBalance(to, "uusd");
console.log(`balance of ${to}: ${before.amount}uusd`);

const client = await SigningStargateClient.connectWithSigner(rpc, wallet, {
  gasPrice: GasPrice.fromString("0.0025ucare"),
});
const amount = { denom: "uusd", amount: "4242" };
const result = await client.sendTokens(from, to, [amount], "auto", "cosmjs smoke test");
if (result.code !== 0) {
  console.error("broadcast failed:", result.code, result.rawLog);
  process.exit(1);
}
console.log(`sent ${amount.amount}${amount.denom} from ${from} in ${result.transactionHash} at height ${result.height} (gas used ${result.gasUsed})`);

const after = await reader.getBalance(to, "uusd");
const moved = BigInt(after.amount) - BigInt(before.amount);
console.log(`balance of ${to}: ${after.amount}uusd (moved ${moved})`);
if (moved !== 4242n) {
  console.error("balance moved by", moved, "expected 4242");
  process.exit(1);
}
console.log("OK");
