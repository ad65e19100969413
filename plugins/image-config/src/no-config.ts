/** Note text for images without a configuration, such as a bare root filesystem. */
export const NO_CONFIG_NOTE = "The image has no configuration (for example a bare root filesystem); nothing to check.";

/**
 * Note text for Singularity images, whose configuration the reader derives from
 * Singularity metadata: Singularity runs containers as the calling user and has
 * no HEALTHCHECK, so checks of those settings do not apply.
 */
export const SINGULARITY_NOTE = "Singularity image: the setting this check reads does not exist in Singularity; nothing to check.";

/** Returns true for a SIF image, as the image reader names the format. */
export function isSingularityImage(format: string): boolean {
  return format === "sif";
}
