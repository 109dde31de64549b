import { type RefObject, useEffect, useRef } from 'react';

const hasFiles = (event: DragEvent) => event.dataTransfer?.types.includes('Files') === true;

/**
 * Files dropped anywhere on the element matching `areaSelector` around `inside` (the
 * conversation around its message box) go to `onFiles`; the area has the class `dropping`
 * while files are dragged over it. Dropped anywhere else on the page (the sidebar, a side
 * panel), a file is ignored with the "no drop" cursor: the browser would otherwise replace the
 * app with the file.
 */
export function useFileDrop(
  inside: RefObject<HTMLElement | null>,
  areaSelector: string,
  onFiles: (files: File[]) => void,
): void {
  const latest = useRef(onFiles);
  latest.current = onFiles;

  useEffect(() => {
    const area = inside.current?.closest<HTMLElement>(areaSelector);
    if (!area) return;
    const over = (event: DragEvent) => {
      if (!hasFiles(event)) return;
      event.preventDefault(); // Allows the drop.
      area.classList.add('dropping');
    };
    const leave = (event: DragEvent) => {
      if (event.relatedTarget instanceof Node && area.contains(event.relatedTarget)) return;
      area.classList.remove('dropping');
    };
    const drop = (event: DragEvent) => {
      area.classList.remove('dropping');
      if (!hasFiles(event)) return;
      event.preventDefault();
      latest.current([...(event.dataTransfer?.files ?? [])]);
    };
    const ignore = (event: DragEvent) => {
      if (!hasFiles(event) || event.defaultPrevented) return;
      event.preventDefault();
      if (event.dataTransfer) event.dataTransfer.dropEffect = 'none';
    };
    area.addEventListener('dragover', over);
    area.addEventListener('dragleave', leave);
    area.addEventListener('drop', drop);
    window.addEventListener('dragover', ignore);
    window.addEventListener('drop', ignore);
    return () => {
      area.removeEventListener('dragover', over);
      area.removeEventListener('dragleave', leave);
      area.removeEventListener('drop', drop);
      window.removeEventListener('dragover', ignore);
      window.removeEventListener('drop', ignore);
      area.classList.remove('dropping');
    };
  }, [inside, areaSelector]);
}
