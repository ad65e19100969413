export { virtualImage, parseOsRelease } from "./virtual-image.js";
export type { VirtualEntry, VirtualImageSpec, VirtualLayer } from "./virtual-image.js";
export { runCheckOn, testCheck } from "./tester.js";
export type { CheckCases, ExpectedFinding, InvalidCase, ValidCase } from "./tester.js";
export { assertRanCleanly, describeFindings, readImageForChecks, sharedImage } from "./real-image.js";
