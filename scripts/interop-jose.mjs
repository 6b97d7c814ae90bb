// scripts/interop's bridge to panva `jose` (node): one JSON request on stdin, one JSON answer
// on stdout; a failure exits 1 with the reason on stderr. NODE_PATH names the node_modules
// that holds jose (scripts/interop installs it into a temporary directory).
//
//   {"op": "sign", "payload": "...", "signers": [{"alg", "jwk", "kid"}], "form": "flattened"|"general"}
//   {"op": "encrypt", "payload": "...", "enc", "recipients": [{"alg", "jwk", "kid"}], "form"}
//   {"op": "verify" | "decrypt", "token": {...}, "jwk": {...}, "alg": "..."}   -> {"payload": "..."}
import { createRequire } from "node:module";
import { join } from "node:path";

const require = createRequire(join(process.env.NODE_PATH ?? ".", "jose", "package.json"));
const jose = require("jose");

const chunks = [];
for await (const chunk of process.stdin) chunks.push(chunk);
const req = JSON.parse(Buffer.concat(chunks).toString("utf8"));
const bytes = (s) => new TextEncoder().encode(s);
const text = (b) => new TextDecoder().decode(b);
const key = (jwk, alg) => jose.importJWK(jwk, alg);

async function main() {
  switch (req.op) {
    case "sign": {
      if (req.form === "flattened") {
        const [s] = req.signers;
        return new jose.FlattenedSign(bytes(req.payload))
          .setProtectedHeader({ alg: s.alg })
          .setUnprotectedHeader({ kid: s.kid })
          .sign(await key(s.jwk, s.alg));
      }
      const signer = new jose.GeneralSign(bytes(req.payload));
      for (const s of req.signers) {
        signer.addSignature(await key(s.jwk, s.alg))
          .setProtectedHeader({ alg: s.alg })
          .setUnprotectedHeader({ kid: s.kid });
      }
      return signer.sign();
    }
    case "encrypt": {
      if (req.form === "flattened") {
        const [r] = req.recipients;
        return new jose.FlattenedEncrypt(bytes(req.payload))
          .setProtectedHeader({ alg: r.alg, enc: req.enc })
          .setUnprotectedHeader({ kid: r.kid })
          .encrypt(await key(r.jwk, r.alg));
      }
      const encrypter = new jose.GeneralEncrypt(bytes(req.payload)).setProtectedHeader({ enc: req.enc });
      for (const r of req.recipients) {
        encrypter.addRecipient(await key(r.jwk, r.alg)).setUnprotectedHeader({ alg: r.alg, kid: r.kid });
      }
      return encrypter.encrypt();
    }
    case "verify": {
      const k = await key(req.jwk, req.alg);
      const out = req.token.signatures
        ? await jose.generalVerify(req.token, k, { algorithms: [req.alg] })
        : await jose.flattenedVerify(req.token, k, { algorithms: [req.alg] });
      return { payload: text(out.payload) };
    }
    case "decrypt": {
      const k = await key(req.jwk, req.alg);
      const out = req.token.recipients
        ? await jose.generalDecrypt(req.token, k, { keyManagementAlgorithms: [req.alg] })
        : await jose.flattenedDecrypt(req.token, k, { keyManagementAlgorithms: [req.alg] });
      return { payload: text(out.plaintext) };
    }
    default:
      throw new Error(`unknown op ${req.op}`);
  }
}

try {
  process.stdout.write(JSON.stringify(await main()) + "\n");
} catch (e) {
  process.stderr.write(`jose: ${e.code ?? ""} ${e.message}\n`);
  process.exit(1);
}
