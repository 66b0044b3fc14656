/** Version of the kernel's pure step; stored in every entry it produces. */
export const KERNEL_VERSION = 1;

/** Default number of previous context hashes folded into each entry's `context_hash`. */
export const DEFAULT_WINDOW_SIZE = 50;
