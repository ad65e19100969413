/** Note text for images without a configuration, such as a bare root filesystem. */
export const NO_CONFIG_NOTE = "The image has no configuration (for example a bare root filesystem); nothing to check.";
