export * from "./binning.js";
export * from "./energy.js";
export * from "./hellinger.js";
export * from "./jensen-shannon.js";
export * from "./kl-divergence.js";
export * from "./psi.js";
export * from "./total-variation.js";
export { wassersteinDistance } from "./wasserstein.js";
export { WASSERSTEIN_NORM_FLOOR, wassersteinNormed } from "./wasserstein-normed.js";
