/**
 * Which requests are shared with the ratings dataset (seed 003, "LAION"): a requester opts in with
 * `shared: true`; Anonymous's requests are always shared; a request built on a source image
 * (img2img, inpainting, outpainting, and ControlNet, which needs one) never is, since the source
 * may be a personal photo. The discounted horde tax follows this decision, not the flag asked
 * for, so a dry run and the real charge agree. Pure.
 */

/** What the sharing decision depends on. */
export interface SharingInput {
  /** What the client sent (`shared`, default false). */
  requested: boolean;
  /** The requester is Anonymous (user 0). */
  anonymous: boolean;
  /** The request carries a source image (img2img, inpainting, outpainting or ControlNet). */
  hasSourceImage: boolean;
}

/** Whether a request's images really go to the dataset. */
export function isShared(s: SharingInput): boolean {
  if (s.hasSourceImage) return false;
  return s.anonymous || s.requested;
}

/** The warning a client gets when it asked to share and the request cannot be. */
export function sharingWarning(s: SharingInput): string | null {
  return s.requested && !isShared(s)
    ? "SharingRefused: requests with a source image (img2img, inpainting, outpainting, ControlNet) are never shared; the full horde tax applies"
    : null;
}
