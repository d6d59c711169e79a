/**
 * A file input that also accepts a dropped file. The input stays a real, labelled
 * <input type="file">, so keyboard and screen-reader users choose files the usual way; dropping is
 * an extra for pointer users.
 */
export function attachDropZone(zone: HTMLElement, input: HTMLInputElement, onFile: (file: File) => void): void {
  input.addEventListener('change', () => {
    const file = input.files?.[0];
    if (file) onFile(file);
  });
  const active = (on: boolean) => zone.classList.toggle('drag-over', on);
  zone.addEventListener('dragenter', (e) => {
    e.preventDefault();
    active(true);
  });
  zone.addEventListener('dragover', (e) => {
    e.preventDefault();
    if (e.dataTransfer) e.dataTransfer.dropEffect = 'copy';
  });
  zone.addEventListener('dragleave', (e) => {
    if (!zone.contains(e.relatedTarget as Node | null)) active(false);
  });
  zone.addEventListener('drop', (e) => {
    e.preventDefault();
    active(false);
    const file = e.dataTransfer?.files[0];
    if (!file) return;
    // Mirror the drop into the input so the form shows the chosen file.
    const transfer = new DataTransfer();
    transfer.items.add(file);
    input.files = transfer.files;
    onFile(file);
  });
}

/** A preview of a chosen file, freeing the previous one's memory. */
export function previewFile(img: HTMLImageElement, file: File | null): void {
  if (img.src.startsWith('blob:')) URL.revokeObjectURL(img.src);
  if (!file) {
    img.removeAttribute('src');
    img.hidden = true;
    return;
  }
  img.src = URL.createObjectURL(file);
  img.alt = `Preview of ${file.name}`;
  img.hidden = false;
}
