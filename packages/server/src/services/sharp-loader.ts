import type Sharp from 'sharp';

let loading: Promise<typeof Sharp> | undefined;

/**
 * sharp, loaded at the first image rather than at start: libvips is about 23 MiB of resident
 * memory that a process serving no image (most of a cluster's, most of the time) never needs.
 * Outside the callers' catch-alls, so that a sharp that cannot load is an internal error, not a
 * file taken for "no image". A failed load is tried again at the next image.
 */
export function loadSharp(): Promise<typeof Sharp> {
  loading ??= import('sharp').then(
    (module) => module.default,
    (error: unknown) => {
      loading = undefined;
      throw error;
    },
  );
  return loading;
}
