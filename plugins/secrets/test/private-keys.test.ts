import { testCheck } from "@checks/plugin-tester";
import { describe, expect, it } from "vitest";
import { findPrivateKeys } from "../src/private-key-text.js";
import { privateKeys } from "../src/private-keys.js";
import { CERTIFICATE, ENCRYPTED_PKCS8_KEY, PKCS8_PRIVATE_KEY, RSA_PRIVATE_KEY, RSA_PUBLIC_KEY, opensshKey } from "./fixtures.js";

testCheck(privateKeys, {
  valid: [
    { name: "public key and certificate", image: { files: { "/etc/ssl/certs/site.pem": CERTIFICATE, "/opt/app/keys/public.pem": RSA_PUBLIC_KEY } } },
    { name: "openssh public key", image: { files: { "/root/.ssh/id_ed25519.pub": "ssh-ed25519 AAAAC3NzaC1lZDI1NTE5AAAAIPlanted user@host\n" } } },
    {
      name: "documentation stub of a key",
      image: { files: { "/usr/share/doc/app/example.key": "-----BEGIN RSA PRIVATE KEY-----\nMIIE...\n-----END RSA PRIVATE KEY-----\n" } },
    },
    { name: "ssh host key left to hygiene", image: { files: { "/etc/ssh/ssh_host_rsa_key": RSA_PRIVATE_KEY } } },
    { name: "key outside the declared paths", image: { files: { "/opt/app/README": RSA_PRIVATE_KEY } } },
  ],
  invalid: [
    {
      name: "pkcs1 key in an app folder",
      image: { files: { "/opt/app/keys/id_rsa": RSA_PRIVATE_KEY } },
      findings: [{ messageId: "privateKey", path: "/opt/app/keys/id_rsa", data: { kind: "RSA private key" }, evidence: "line 1: -----BEGIN RSA PRIVATE KEY-----" }],
    },
    {
      name: "pkcs8 key in a tls folder",
      image: { files: { "/etc/ssl/private/site.key": PKCS8_PRIVATE_KEY } },
      findings: [{ messageId: "privateKey", path: "/etc/ssl/private/site.key", data: { kind: "PKCS#8 private key" } }],
    },
    {
      name: "unencrypted openssh key",
      image: { files: { "/home/dev/.ssh/id_ed25519": opensshKey("none") } },
      findings: [{ messageId: "privateKey", path: "/home/dev/.ssh/id_ed25519", data: { kind: "OpenSSH private key" } }],
    },
    {
      name: "passphrase-protected keys",
      image: { files: { "/root/.ssh/id_ecdsa": opensshKey("aes256-ctr"), "/srv/tls/server.pem": ENCRYPTED_PKCS8_KEY + CERTIFICATE } },
      findings: [
        { messageId: "encryptedPrivateKey", path: "/root/.ssh/id_ecdsa", data: { kind: "OpenSSH private key" } },
        { messageId: "encryptedPrivateKey", path: "/srv/tls/server.pem", data: { kind: "PKCS#8 private key" } },
      ],
    },
    {
      name: "pgp secret key export",
      image: {
        files: { "/root/signing.asc": `-----BEGIN PGP PRIVATE KEY BLOCK-----\n\nlQOYBGZ${"A".repeat(120)}\n=AbCd\n-----END PGP PRIVATE KEY BLOCK-----\n` },
      },
      findings: [{ messageId: "privateKey", path: "/root/signing.asc", data: { kind: "PGP private key" } }],
    },
  ],
});

describe("findPrivateKeys on crafted input", () => {
  it("many unterminated headers", () => {
    const text = "-----BEGIN RSA PRIVATE KEY-----\n".repeat(8000);
    expect(findPrivateKeys(text)).toEqual([]);
  });
  it("key after an unterminated header", () => {
    const found = findPrivateKeys(`-----BEGIN EC PRIVATE KEY-----\nbroken\n${RSA_PRIVATE_KEY}`);
    expect(found.map((key) => key.kind)).toEqual(["RSA private key"]);
  });
});
