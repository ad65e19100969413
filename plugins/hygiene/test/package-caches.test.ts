import { testCheck } from "@checks/plugin-tester";
import { packageCaches } from "../src/package-caches.js";

const bytes = (size: number) => new Uint8Array(size).fill(1);

testCheck(packageCaches, {
  valid: [
    {
      name: "cleaned apt state",
      image: {
        files: {
          "/var/lib/apt/lists/lock": "",
          "/var/lib/apt/lists/partial": { type: "directory" },
          "/var/lib/apt/lists/auxfiles": { type: "directory" },
          "/var/cache/apt/archives/lock": "",
          "/var/cache/apt/archives/partial": { type: "directory" },
        },
      },
    },
    { name: "installed python packages", image: { files: { "/usr/lib/python3/dist-packages/six.py": "x" } } },
    { name: "conda environment itself", image: { files: { "/opt/conda/lib/libpython3.so": "x" } } },
  ],
  invalid: [
    {
      name: "apt lists and pkgcache",
      image: {
        files: {
          "/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_main_binary-amd64_Packages": bytes(2048),
          "/var/lib/apt/lists/deb.debian.org_debian_dists_bookworm_InRelease": bytes(1024),
          "/var/cache/apt/pkgcache.bin": bytes(4096),
          "/var/cache/apt/srcpkgcache.bin": bytes(4096),
        },
      },
      findings: [
        { messageId: "packageCache", path: "/var/cache/apt", data: { cache: "apt package", count: 2, size: 8 } },
        { messageId: "packageCache", path: "/var/lib/apt/lists", data: { cache: "apt lists", count: 2, size: 3, remove: "rm -rf /var/lib/apt/lists/*" } },
      ],
    },
    {
      name: "downloaded debs",
      image: { files: { "/var/cache/apt/archives/curl_7.88.1_amd64.deb": bytes(300) } },
      findings: [{ messageId: "packageCache", path: "/var/cache/apt/archives", data: { cache: "apt archives", count: 1 } }],
    },
    {
      name: "yum, dnf and apk caches",
      image: {
        files: {
          "/var/cache/yum/x86_64/9/baseos/repomd.xml": "x",
          "/var/cache/dnf/baseos-1/repodata/primary.xml.gz": "x",
          "/var/cache/apk/APKINDEX.1a2b.tar.gz": "x",
        },
      },
      findings: [
        { messageId: "packageCache", path: "/var/cache/apk", data: { cache: "apk" } },
        { messageId: "packageCache", path: "/var/cache/dnf", data: { cache: "dnf" } },
        { messageId: "packageCache", path: "/var/cache/yum", data: { cache: "yum" } },
      ],
    },
    {
      name: "pip and npm caches per home",
      image: {
        files: {
          "/root/.cache/pip/http-v2/a/b/c": "x",
          "/home/app/.cache/pip/wheels/x.whl": "x",
          "/home/app/.npm/_cacache/index-v5/00/aa": "x",
        },
      },
      findings: [
        { messageId: "packageCache", path: "/home/app/.cache/pip", data: { cache: "pip" } },
        { messageId: "packageCache", path: "/home/app/.npm/_cacache", data: { cache: "npm" } },
        { messageId: "packageCache", path: "/root/.cache/pip", data: { cache: "pip" } },
      ],
    },
    {
      name: "conda package tarballs",
      image: { files: { "/opt/conda/pkgs/numpy-1.26.4-py312.conda": "x", "/opt/conda/pkgs/zlib-1.3-0.tar.bz2": "x" } },
      findings: [{ messageId: "packageCache", path: "/opt/conda/pkgs", data: { cache: "conda", count: 2 } }],
    },
  ],
});
