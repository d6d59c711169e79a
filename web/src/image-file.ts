/** Checks a chosen file before it is sent, so an obvious mistake is explained without a round trip. */

const IMAGE_EXTENSIONS = /\.(jpe?g|png|webp|gif|tiff?|avif|heic)$/i;

/** A message naming the problem, or null when the file may be an image (the server decides). */
export function problemWithFile(file: File): string | null {
  if (file.size === 0) return `"${file.name}" is empty: choose an image file.`;
  const looksLikeImage = file.type ? file.type.startsWith('image/') : IMAGE_EXTENSIONS.test(file.name);
  if (!looksLikeImage) return `"${file.name}" is not an image${file.type ? ` (${file.type})` : ''}: choose a JPEG, PNG, WebP, GIF or TIFF file.`;
  return null;
}
