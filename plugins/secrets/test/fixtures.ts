import { generateKeyPairSync } from "node:crypto";

/** Fake credentials shaped like real ones. None of them was ever issued. */
export const GITHUB_TOKEN = "ghp_0123456789abcdefghijABCDEFGHIJ012345";
export const GITLAB_TOKEN = "glpat-Ab3dE6gH9jK2mN5pQ8sT";
export const NPM_TOKEN = "npm_0123456789abcdefghijABCDEFGHIJ012345";
export const SLACK_TOKEN = "xoxb-123456789012-1234567890123-AbCdEfGhIjKlMnOpQrStUvWx";
export const PYPI_TOKEN = "pypi-AgEIcHlwaS5vcmcCJDAwMDAwMDAwLTAwMDAtMDAwMC0wMDAwLTAwMDAwMDAwMDAwMAACKlsz";
export const AWS_KEY_ID = "AKIA2E0A8F3B244C9986";
export const AWS_SECRET = "Zm9vYmFyYmF6cXV4MTIzNDU2Nzg5MGFiY2RlZmdo";

const rsa = generateKeyPairSync("rsa", { modulusLength: 1024 });

export const RSA_PRIVATE_KEY = rsa.privateKey.export({ type: "pkcs1", format: "pem" }).toString();
export const PKCS8_PRIVATE_KEY = rsa.privateKey.export({ type: "pkcs8", format: "pem" }).toString();
export const ENCRYPTED_PKCS8_KEY = rsa.privateKey
  .export({ type: "pkcs8", format: "pem", cipher: "aes-256-cbc", passphrase: "correct horse" })
  .toString();
export const RSA_PUBLIC_KEY = rsa.publicKey.export({ type: "spki", format: "pem" }).toString();

/** Builds an OpenSSH private key file with the given cipher; the key material is filler. */
export function opensshKey(cipher: string): string {
  const parts: number[] = [...Buffer.from("openssh-key-v1\0")];
  const field = (text: string) => {
    const bytes = Buffer.from(text);
    parts.push(0, 0, 0, bytes.length, ...bytes);
  };
  field(cipher);
  field(cipher === "none" ? "none" : "bcrypt");
  field("");
  parts.push(...Buffer.alloc(120, 7));
  const body = Buffer.from(parts).toString("base64").replace(/(.{70})/g, "$1\n");
  return `-----BEGIN OPENSSH PRIVATE KEY-----\n${body}\n-----END OPENSSH PRIVATE KEY-----\n`;
}

export const CERTIFICATE = [
  "-----BEGIN CERTIFICATE-----",
  "MIIBszCCAVmgAwIBAgIUfakecertificatebodyonlyforthetestsAAAAAAAAAAAAAAAA",
  "-----END CERTIFICATE-----",
  "",
].join("\n");
