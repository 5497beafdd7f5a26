/**
 * OS detection: which family an image or card belongs to, from its boot partition (label and
 * files) and its root filesystem's os-release — never from its file name.
 */
export { type DetectedOs, detectOs } from './detect-os';
export { parseOsRelease, readExtLabel, readOsRelease } from './os-release';
export { type BootFacts, type Classification, classify, supportedFamiliesText } from './rules';
